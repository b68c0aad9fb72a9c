import ArgumentParser
import EmbeddedPostgres
import PQ
import TouchstoneStore

/// `touchstone dev start|stop|status`: the embedded PostgreSQL cluster.
struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev", abstract: "The embedded PostgreSQL cluster under ./.touchstone/.",
        subcommands: [Start.self, Stop.self, Reset.self])

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create (if needed) and start the embedded cluster.")
        @OptionGroup var options: CommonOptions

        func run() async throws {
            try await reportingFailures {
                let cluster = try await EmbeddedCluster.start(sqlDirectory: try Migrator.locateDirectory(), logger: options.logger)
                for (what, login) in [("runtime", DatabaseProvisioning.runtimeLogin), ("owner", DatabaseProvisioning.ownerLogin)] {
                    print("\(what): " + cluster.loggingIn(as: login).parameters.map { "\($0.0)=\($0.1)" }.joined(separator: " "))
                }
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

    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop the embedded cluster and delete its data, wherever it is kept; the next start makes a new, empty one.")
        @OptionGroup var options: CommonOptions

        func run() async throws {
            try await reportingFailures {
                try EmbeddedPostgres(home: EmbeddedCluster.home, logger: options.logger).destroy()
                print("reset")
            }
        }
    }
}
