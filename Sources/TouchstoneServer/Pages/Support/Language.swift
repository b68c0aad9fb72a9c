import Hummingbird

/// The languages of the pages. The user's choice is remembered in a cookie; without one the
/// browser's `Accept-Language` decides, else English.
enum Language: String, CaseIterable, Sendable {
    case en
    case zhCN = "zh-CN"

    static let cookieName = "ts_lang"

    /// The language of `request` (the cookie under either name ``PageCookies`` gives it).
    static func of(_ request: Request) -> Language {
        let cookie = request.cookies["__Host-" + cookieName] ?? request.cookies[cookieName]
        if let chosen = cookie.flatMap({ Language(rawValue: $0.value) }) { return chosen }
        let accepted = request.headers[.acceptLanguage]?.lowercased() ?? ""
        return accepted.hasPrefix("zh") ? .zhCN : .en
    }
}
