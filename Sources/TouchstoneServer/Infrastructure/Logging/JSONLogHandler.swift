public import Logging

/// A swift-log handler writing one JSON object a line (see ``JSONLogLine``) to a sink,
/// by default standard error.
public struct JSONLogHandler: LogHandler {
    /// The logger's label, written as `label`.
    public let label: String
    /// Handler metadata, merged under the provider's and the record's (the record wins).
    public var metadata: Logger.Metadata = [:]
    /// Contextual metadata (e.g. task-local), merged under the handler's.
    public var metadataProvider: Logger.MetadataProvider?
    /// The lowest level logged.
    public var logLevel: Logger.Level = .info
    private let sink: @Sendable (String) -> Void
    private let clock: @Sendable () -> LogTimestamp

    /// Creates a handler.
    /// - Parameters:
    ///   - label: The logger's label.
    ///   - metadataProvider: Contextual metadata, if any.
    ///   - clock: The time of a record (default: now).
    ///   - sink: Receives each line, newline included (default: standard error, one write a line).
    public init(
        label: String,
        metadataProvider: Logger.MetadataProvider? = nil,
        clock: @escaping @Sendable () -> LogTimestamp = { LogTimestamp.now() },
        sink: @escaping @Sendable (String) -> Void = StandardErrorSink.emit
    ) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.clock = clock
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = self.metadataProvider?.get() ?? [:]
        merged.merge(self.metadata) { $1 }
        if let recordMetadata = event.metadata { merged.merge(recordMetadata) { $1 } }
        if let error = event.error, merged["error"] == nil { merged["error"] = .string("\(error)") }
        let line = JSONLogLine.render(
            timestamp: self.clock(), level: event.level, label: self.label, message: event.message.description, metadata: merged)
        self.sink(line + "\n")
    }
}
