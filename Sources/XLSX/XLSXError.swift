import CXLSXWriter

/// A failure of libxlsxwriter, with the library's own description.
public struct XLSXError: Error, CustomStringConvertible, Sendable {
    /// What we were doing (`writing /tmp/x.xlsx`).
    public let operation: String
    /// libxlsxwriter's error string (`lxw_strerror`).
    public let reason: String

    init(_ operation: String, _ code: lxw_error) {
        self.operation = operation
        self.reason = String(cString: lxw_strerror(code))
    }

    /// A failure found by the caller (not by the library).
    public init(_ operation: String, reason: String) {
        self.operation = operation
        self.reason = reason
    }

    public var description: String { "xlsx: \(operation): \(reason)" }

    /// Throws unless `code` is `LXW_NO_ERROR`.
    static func check(_ code: lxw_error, _ operation: @autoclosure () -> String) throws {
        guard code == LXW_NO_ERROR else { throw XLSXError(operation(), code) }
    }
}
