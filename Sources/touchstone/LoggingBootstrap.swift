import Foundation
import Logging
import TouchstoneServer

/// Bootstraps swift-log once per process, in the format the first command-line logger chose,
/// so loggers that libraries create themselves write the same way.
enum LoggingBootstrap {
    // Invariant: `done` is only touched while holding `lock`.
    nonisolated(unsafe) private static var done = false
    private static let lock = NSLock()

    /// Bootstraps `LoggingSystem` with `format` unless that has happened already.
    static func once(_ format: LogFormat) {
        lock.withLock {
            guard !done else { return }
            done = true
            LoggingSystem.bootstrap { label in format.makeHandler(label: label) }
        }
    }
}
