import ArgumentParser
import EmbeddedPostgres

/// `touchstone dev start|stop|status`: the embedded PostgreSQL cluster.
struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev", abstract: "The embedded PostgreSQL cluster under ./.touchstone/.",
        subcommands: [Start.self, Stop.self])

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create (if needed) and start the embedded cluster.")
        @OptionGroup var options: CommonOptions

        func run() async throws {
            try await reportingFailures {
                let parameters = try await EmbeddedCluster.start(logger: options.logger)
                print(parameters.map { "\($0.0)=\($0.1)" }.joined(separator: " "))
            }
        }
    }

    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the embedded cluster.")
        @OptionGroup var options: CommonOptions

        func run() async throws {
            try await reportingFailures {
                try EmbeddedPostgres(home: EmbeddedCluster.home, logger: options.logger).stop()
                print("stopped")
            }
        }
    }
}
