import Foundation

/// Writes RFC 4180 CSV: fields with commas, quotes or line breaks are quoted, quotes doubled.
public enum CSVWriter {
    /// One CSV line (with its `\n`). With `spreadsheet` (files meant for Excel and the like:
    /// `--excel` exports, the pages' downloads) every field passes through ``neutralised(_:)`` first.
    public static func line(_ fields: [String], spreadsheet: Bool = false) -> String {
        (spreadsheet ? fields.map(neutralised) : fields).map(escape).joined(separator: ",") + "\n"
    }

    /// One field, quoted when needed.
    public static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A field a spreadsheet will not run as a formula (docs/exports.md): one that starts with
    /// `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, unless it is a plain
    /// decimal number (`-12.50`, `+3`), which stays a number.
    public static func neutralised(_ field: String) -> String {
        guard let first = field.utf8.first, formulaStarts.contains(first), !isPlainNumber(field) else { return field }
        return "'" + field
    }

    private static let formulaStarts: Set<UInt8> = [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D]

    /// `[+-]?digits(.digits)?`
    private static func isPlainNumber(_ field: String) -> Bool {
        var bytes = Substring(field).utf8[...]
        if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        let parts = bytes.split(separator: UInt8(ascii: "."), maxSplits: 1, omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else { return false }
        return parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } }
    }
}
