public import Logging

/// How log records are written: swift-log's text lines, or one JSON object a line.
public enum LogFormat: String, Sendable, Hashable, CaseIterable {
    /// swift-log's `StreamLogHandler` text on standard error.
    case text
    /// ``JSONLogHandler`` lines on standard error.
    case json

    /// A handler for `label` in this format, writing to standard error.
    /// - Parameter label: The logger's label.
    /// - Returns: The handler.
    public func makeHandler(label: String) -> any LogHandler {
        switch self {
        case .text: return StreamLogHandler.standardError(label: label)
        case .json: return JSONLogHandler(label: label)
        }
    }
}
