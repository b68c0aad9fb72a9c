import Hummingbird
import TouchstoneStore

/// The pages' cookies: the session id and the language choice. All are HttpOnly, SameSite=Lax,
/// Path=/, and Secure when the daemon is reached over HTTPS (``ServerConfiguration/secureCookies``).
struct PageCookies: Sendable {
    /// Whether the browser may send the cookies over HTTPS only.
    let secure: Bool

    /// `Set-Cookie` for a new session.
    func session(_ id: String) -> Cookie {
        cookie(PageSession.cookieName, id, maxAge: Int(SessionQueries.lifetime.components.seconds))
    }

    /// `Set-Cookie` that removes the session cookie.
    var expiredSession: Cookie {
        cookie(PageSession.cookieName, "", maxAge: 0)
    }

    /// The cookie remembering the language for a year.
    func language(_ language: Language) -> Cookie {
        cookie(Language.cookieName, language.rawValue, maxAge: 365 * 24 * 3600)
    }

    private func cookie(_ name: String, _ value: String, maxAge: Int) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }
}
