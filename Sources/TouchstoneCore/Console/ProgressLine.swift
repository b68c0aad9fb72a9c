import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Progress of long work on a terminal: one line, rewritten in place (`\r`, clear to end of
/// line) as the work advances, ended with a newline by ``finish()``. When the file descriptor
/// is not a terminal (a pipe, a file, a log collector) it writes nothing at all: progress is
/// for people watching, and a log should hold only the outcome. Safe to call from any thread.
public final class ProgressLine: @unchecked Sendable {
    private let descriptor: Int32
    /// Guards `open` and serialises writes.
    private let lock = NSLock()
    /// Whether a line is shown and not yet ended.
    private var open = false
    /// Whether the descriptor is a terminal (decided once, at creation).
    public let isTerminal: Bool

    /// A progress line on `descriptor` (default: standard error).
    public init(descriptor: Int32 = 2) {
        self.descriptor = descriptor
        self.isTerminal = isatty(descriptor) == 1
    }

    /// Replaces the line with `text` (on a terminal only).
    public func update(_ text: String) {
        guard isTerminal else { return }
        lock.withLock {
            write("\r\u{1B}[K" + text)
            open = true
        }
    }

    /// Ends a shown line, so what follows starts on a fresh one (once; on a terminal only).
    public func finish() {
        guard isTerminal else { return }
        lock.withLock {
            if open { write("\n") }
            open = false
        }
    }

    private func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { buffer in
                #if canImport(Glibc)
                Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                #else
                Darwin.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                #endif
            }
            if written <= 0 { return }
            offset += written
        }
    }
}
