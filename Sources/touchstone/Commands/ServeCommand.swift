import ArgumentParser
import Hummingbird
import Logging
import TouchstoneServer
import TouchstoneStore

/// `touchstone serve [--host H] [--port P]`: the daemon, as the runtime login. Applies pending
/// migrations first when the schema owner is known (the embedded default, or `--owner-database`).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the daemon (HTTP API).")

    @Option(help: "Address to bind.") var host = "127.0.0.1"
    @Option(help: "Port to bind.") var port = 8080
    @Flag(
        name: .customLong("no-migrate"),
        help: "Do not apply migrations even when the schema owner is known (--owner-database); refuse to start unless they are current.")
    var noMigrate = false
    @Option(help: "Longest a request's database statement may run, in seconds.") var statementTimeout = 30
    @Option(help: "Uploads (audits, evidence, surveys, complaints) per minute per API token; 0: unlimited.")
    var uploadRate = UploadRateLimit.default.perMinute
    @Option(help: "Uploads an API token may make at once before --upload-rate applies.")
    var uploadBurst = UploadRateLimit.default.burst
    @Flag(help: "Mark the pages' cookies Secure, with the __Host- prefix: use when browsers reach the daemon over HTTPS (a TLS proxy in front).")
    var secureCookies = false
    @Flag(help: "Take the client address for the login limits from the last X-Forwarded-For entry (only behind a proxy that sets it).")
    var trustForwardedFor = false
    @Option(help: "Seconds an idle HTTP connection stays open; 0: no limit.") var idleTimeout = 60
    @Flag(name: .customLong("no-schedule"), help: "Do not run due batches (another daemon on the same database may; see docs/kpi-batch.md).")
    var noSchedule = false
    @Option(
        help:
            "Seconds between the sweeps that expire ended visits, announce overdue actions and escalate complaint cases; 0: none (another daemon on the same database sweeps; see docs/operations.md)."
    )
    var sweepInterval = 60
    @Flag(help: "Allow webhooks to plain http://127.0.0.1 or localhost (tests, the demo); otherwise webhooks must be https:// (docs/events.md).")
    var allowInsecureWebhooks = false
    @OptionGroup var options: CommonOptions

    func validate() throws {
        if sweepInterval < 0 { throw ValidationError("--sweep-interval must be 0 (no sweeps) or more seconds") }
    }

    func run() async throws {
        try await reportingFailures {
            let logger = options.logger(defaultLevel: .info)
            try await options.database.withDatabase(
                logger: logger, migrate: !noMigrate, statementTimeout: .seconds(statementTimeout)
            ) { database in
                try await serve(
                    database: database,
                    configuration: ServerConfiguration(
                        host: host, port: port,
                        uploadRateLimit: uploadRate > 0 ? UploadRateLimit(perMinute: uploadRate, burst: uploadBurst) : nil,
                        secureCookies: secureCookies, trustForwardedFor: trustForwardedFor,
                        idleTimeout: idleTimeout > 0 ? .seconds(idleTimeout) : nil, runsSchedule: !noSchedule,
                        allowInsecureWebhooks: allowInsecureWebhooks, sweepInterval: sweepInterval > 0 ? .seconds(sweepInterval) : nil),
                    logger: logger)
            }
        }
    }
}

/// Serves the HTTP API and the pages as `configuration` says until SIGTERM or SIGINT.
func serve(database: Database, configuration: ServerConfiguration, logger: Logger) async throws {
    let migrator = try Migrator(directory: try Migrator.locateDirectory())
    let app = buildApplication(database: database, migrator: migrator, configuration: configuration, logger: logger)
    logger.info("touchstone listening", metadata: ["address": "http://\(configuration.host):\(configuration.port)"])
    try await app.runService()
}
