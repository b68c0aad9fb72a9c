import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import TouchstoneStore

/// The page session cookie and the CSRF token derived from it.
///
/// The cookie (``PageCookies``, which also reads it) holds the random session id; the database
/// keeps only its SHA-256. The CSRF token every page form carries is a SHA-256 of the
/// session id with a purpose prefix: tied to the session, and useless for recovering it.
enum PageSession {
    /// The cookie's name (``PageCookies`` adds `__Host-` with secure cookies).
    static let cookieName = "ts_session"

    /// The CSRF token of `session`.
    static func csrfToken(for session: String) -> String {
        SHA256.hash(data: Data("touchstone-csrf:\(session)".utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
