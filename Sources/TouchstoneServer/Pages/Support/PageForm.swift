import Foundation
import Hummingbird
import TouchstoneCore

/// A posted HTML form (`application/x-www-form-urlencoded`), read with the CSRF check every
/// page form passes: its `csrf` field must be the session's token.
struct PageForm: Sendable {
    let fields: [String: String]

    /// Largest form body accepted.
    static let maxSize = 64 * 1024

    subscript(name: String) -> String? { fields[name] }

    /// Field `name` without its surrounding blanks; nil when absent or empty.
    func text(_ name: String) -> String? {
        let value = fields[name]?.trimmingLineWhitespace ?? ""
        return value.isEmpty ? nil : value
    }

    /// Parses `text` (`a=1&b=x+y`).
    init(urlEncoded text: String) {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (part: Substring) in String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            if let name = parts.first { fields[decode(name)] = parts.count > 1 ? decode(parts[1]) : "" }
        }
        self.fields = fields
    }

    /// The form of `request`, without a CSRF check (the login form, which has no session yet).
    static func read(_ request: Request) async throws -> PageForm {
        let body = try await request.body.collect(upTo: maxSize)
        return PageForm(urlEncoded: String(buffer: body))
    }

    /// The form of `request`, refused with 403 unless it carries the session's CSRF token.
    static func checked(_ request: Request, context: AppRequestContext) async throws -> PageForm {
        let form = try await read(request)
        guard let expected = context.csrfToken, let presented = form["csrf"], constantTimeEqual(presented, expected) else {
            throw APIProblem.forbidden("The form is stale or forged; reload the page and try again.")
        }
        return form
    }

    /// Whether `a` and `b` are equal, in time that depends only on their lengths.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
