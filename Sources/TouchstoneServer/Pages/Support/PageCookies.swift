import Crypto
import Foundation
import Hummingbird
import TouchstoneStore

/// The pages' cookies: the session id, the login form's CSRF token and the language choice.
/// All are HttpOnly, SameSite=Lax, Path=/ and without Domain. With secure cookies (the daemon is
/// reached over HTTPS, ``ServerConfiguration/secureCookies``) they are Secure and their names
/// carry the `__Host-` prefix, so browsers accept them only from this host over HTTPS.
struct PageCookies: Sendable {
    /// Whether the browser may send the cookies over HTTPS only.
    let secure: Bool

    /// The name a cookie goes by: `base`, or `__Host-base` with secure cookies.
    func name(_ base: String) -> String { secure ? "__Host-" + base : base }

    /// `Set-Cookie` for a new session.
    func session(_ id: String) -> Cookie {
        cookie(PageSession.cookieName, id, maxAge: Int(SessionQueries.lifetime.components.seconds))
    }

    /// `Set-Cookie` that removes the session cookie.
    var expiredSession: Cookie {
        cookie(PageSession.cookieName, "", maxAge: 0)
    }

    /// The session id presented in the request's cookies, if any.
    func sessionID(in request: Request) -> String? {
        guard let value = request.cookies[name(PageSession.cookieName)]?.value, !value.isEmpty, value.count < 200 else { return nil }
        return value
    }

    /// The login form's CSRF token (double submit: this cookie and the form's hidden field), for an hour.
    func loginCSRF(_ token: String) -> Cookie {
        cookie(LoginCSRF.cookieName, token, maxAge: 3600)
    }

    /// The login form's CSRF token presented in the request's cookies, if well-formed.
    func loginCSRF(in request: Request) -> String? {
        request.cookies[name(LoginCSRF.cookieName)]?.value.nonEmptyToken
    }

    /// The cookie remembering the language for a year.
    func language(_ language: Language) -> Cookie {
        cookie(Language.cookieName, language.rawValue, maxAge: 365 * 24 * 3600)
    }

    private func cookie(_ base: String, _ value: String, maxAge: Int) -> Cookie {
        Cookie(name: name(base), value: value, maxAge: maxAge, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }
}

/// The login form's CSRF token: a random value in a cookie and in the form's hidden field,
/// compared in constant time when the form is posted (the form has no session to tie it to).
enum LoginCSRF {
    static let cookieName = "ts_login_csrf"

    /// A fresh random token (32 bytes, hex).
    static func newToken() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.map { String(format: "%02x", $0) }.joined()
    }
}

extension String {
    /// The value when it looks like a token (1–128 hex digits), else nil.
    fileprivate var nonEmptyToken: String? {
        (1...128).contains(utf8.count) && utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) } ? self : nil
    }
}
