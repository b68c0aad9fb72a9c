public import ArgumentParser
import Foundation
import Logging
import TouchstoneCore
import TouchstoneServer
import TouchstoneStore

/// Options every command shares.
struct CommonOptions: ParsableArguments {
    @OptionGroup var database: DatabaseOptions

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error (default: warning; info for serve).")
    var logLevel: Logger.Level?

    @Option(name: .long, help: "Log format on stderr: text, or json (one object a line: timestamp, level, label, message, metadata).")
    var logFormat: LogFormatOption = .text

    /// The logger at the chosen level, or at `defaultLevel`, in the chosen format; loggers that
    /// libraries make themselves get the same format.
    func logger(defaultLevel: Logger.Level = .warning) -> Logger {
        let format = logFormat.format
        LoggingBootstrap.once(format)
        var logger = Logger(label: "touchstone") { format.makeHandler(label: $0) }
        logger.logLevel = logLevel ?? defaultLevel
        return logger
    }

    var logger: Logger { logger() }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// `--log-format text|json`.
enum LogFormatOption: String, CaseIterable, ExpressibleByArgument {
    case text, json

    /// The server module's format of the same name.
    var format: LogFormat {
        switch self {
        case .text: .text
        case .json: .json
        }
    }
}

/// Runs a command body and turns failures into a message on stderr and exit status 1.
func reportingFailures(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as StoreError {
        printError(error.description)
        throw ExitCode(1)
    } catch let error as ValidationFailure {
        printError(error.description)
        throw ExitCode(1)
    } catch let error as ExitCode {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch {
        printError("error: \(error)")
        throw ExitCode(1)
    }
}

/// Writes a line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Reads a whole file, or fails naming it.
func readFile(_ path: String) throws -> Data {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw ValidationError("cannot read \(path)")
    }
    return data
}

extension CommonOptions {
    /// Opens the database, finds the tenant `code` (or fails naming it), and runs `body`.
    func withTenant<T: Sendable>(_ code: String, _ body: (Database, Tenant) async throws -> T) async throws -> T {
        try await database.withDatabase(logger: logger) { database in
            try await body(database, try await TenantQueries.find(code: code, on: database))
        }
    }
}

/// `--tenant T --period P`, shared by the commands that work on one tenant's period.
struct TenantPeriodOptions: ParsableArguments {
    @Option(help: "The tenant code.") var tenant: String
    @Option(help: "The period: YYYY-MM or YYYY-Qn.") var period: String

    /// The period, or a failure naming what is wrong with it.
    func parsedPeriod() throws -> Period { try Period.parse(period) }
}
