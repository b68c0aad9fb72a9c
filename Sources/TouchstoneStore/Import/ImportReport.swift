public import TouchstoneCore

/// What an import did.
public struct ImportReport: Sendable, Codable, Equatable {
    /// Rows read from the file (not counting the header).
    public var rows: Int
    /// New records.
    public var inserted: Int
    /// Existing records whose values changed.
    public var updated: Int
    /// Records already stored exactly so.
    public var unchanged: Int
    /// Rows left out (only with skip-invalid), each with its line, fields and reasons.
    public var rejected: [RejectedRow]
    /// The file's encoding when it was converted to UTF-8 (GBK/GB18030); nil when it was UTF-8.
    public var convertedFrom: ImportText.Encoding? = nil
    /// Whether this was a dry run: the counts are what the import would do; nothing was stored.
    public var dryRun = false
}

/// A row that was not imported and why.
public struct RejectedRow: Sendable, Codable, Equatable {
    public let line: Int
    /// The row's values, in the order of ``ImportOptions`` columns of the report's format.
    public let fields: [String]
    public let errors: [String]
}

/// How to treat bad rows.
public struct ImportOptions: Sendable {
    /// Import the valid rows and report the others instead of importing nothing.
    public var skipInvalid: Bool
    /// Accept (and ignore) columns the format does not know.
    public var ignoreExtraColumns: Bool
    /// Check and count everything (new, changed, unchanged, errors) and store nothing: the
    /// import runs to its end and its changes are rolled back.
    public var dryRun: Bool
    /// Receives the number of rows read so far, every ``progressInterval`` rows and at the end of the file.
    public var progress: (@Sendable (Int) -> Void)?

    /// How often ``progress`` hears of the rows read.
    public static let progressInterval = 1_000

    public init(
        skipInvalid: Bool = false, ignoreExtraColumns: Bool = false, dryRun: Bool = false,
        progress: (@Sendable (Int) -> Void)? = nil
    ) {
        self.skipInvalid = skipInvalid
        self.ignoreExtraColumns = ignoreExtraColumns
        self.dryRun = dryRun
        self.progress = progress
    }
}

/// A problem in a CSV file, named by line and column.
extension Problem {
    static func csv(line: Int, column: String?, _ message: String) -> Problem {
        Problem(path: column.map { "line \(line), column \($0)" } ?? "line \(line)", message: message)
    }
}
