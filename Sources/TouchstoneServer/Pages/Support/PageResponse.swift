import Foundation
import Hummingbird
import TouchstoneCore
import TouchstoneStore

/// HTML and redirect responses of the pages. Pages are private to the caller: never cached.
enum PageResponse {
    static func html(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[.contentSecurityPolicy] =
            "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// 303 See Other to `location` (after a form post, or to the login page).
    static func redirect(to location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }
}

/// Building links and query strings.
enum PageLinks {
    /// `text` percent-encoded for a path segment or query value (RFC 3986 unreserved characters stay).
    static func encode(_ text: String) -> String {
        var allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// A local redirect target taken from a `next` parameter: only paths on this site (``LocalRedirect``), else `/`.
    static func localTarget(_ next: String?) -> String {
        LocalRedirect.target(next)
    }

    /// The page of a KPI subject, or nil for levels without one (tenant, region).
    static func subject(level: KPILevel, subject: String, period: Period) -> String? {
        switch level {
        case .outlet: "/outlets/\(encode(subject))?period=\(period)"
        case .staff: "/staff/\(encode(subject))?period=\(period)"
        case .tenant, .region: nil
        }
    }
}
