import ArgumentParser
import TouchstoneStore

/// `touchstone migrate`: applies the migrations in sql/, as the schema owner.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Apply the migrations in sql/.")

    @OptionGroup var options: CommonOptions

    func run() async throws {
        try await reportingFailures {
            try await options.database.withSchemaOwner(logger: options.logger, migrate: true) { _ in }
            print("migrations are current")
        }
    }
}
