import Foundation

/// Where a `next` parameter (after login, after a language switch) may send the browser: a path
/// on this site only. Anything else falls back to ``fallback``.
///
/// Accepted: a single leading `/` (not `//`), no backslash, no whitespace or control character
/// (browsers drop tabs and line breaks, so `/\t/evil.example` would become `//evil.example`),
/// and the same again after percent-decoding (up to three times), so `/%2F…`, `/%5C…`,
/// `/%09/…` and their double encodings are refused too; so is a malformed escape.
public enum LocalRedirect {
    /// The target used when `next` is missing or not a local path.
    public static let fallback = "/"

    /// `next` when it is a local path, else ``fallback``.
    public static func target(_ next: String?) -> String {
        guard let next, isLocal(next) else { return fallback }
        return next
    }

    /// Whether `next` is a path on this site, as described on the type.
    public static func isLocal(_ next: String) -> Bool {
        var text = next
        for _ in 0..<3 {
            guard isPlainLocal(text) else { return false }
            guard let decoded = text.removingPercentEncoding else { return false }
            if decoded == text { return true }
            text = decoded
        }
        return isPlainLocal(text) && text.removingPercentEncoding == text
    }

    private static func isPlainLocal(_ text: String) -> Bool {
        let scalars = text.unicodeScalars
        guard scalars.first == "/", scalars.dropFirst().first != "/" else { return false }
        return !scalars.contains { $0 == "\\" || $0.properties.isWhitespace || $0.properties.generalCategory == .control }
    }
}
