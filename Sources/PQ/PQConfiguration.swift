import CLibPQ

/// Connection parameters as libpq keyword/value pairs, in order (later pairs win, as in libpq).
///
/// Connections are opened with `PQconnectdbParams` from these pairs; a conninfo string is parsed
/// once, by libpq, in ``init(conninfo:)``. `description` never shows a password.
public struct PQConfiguration: Sendable, CustomStringConvertible {
    /// The keyword/value pairs (`host`, `port`, `dbname`, `user`, `password`, `sslmode`, …).
    public var parameters: [(String, String)]

    /// Creates a configuration from keyword/value pairs.
    /// - Parameter parameters: libpq connection keywords and their values.
    public init(parameters: [(String, String)]) {
        self.parameters = parameters
    }

    /// Parses a libpq connection string: a `postgresql://` URI or `key=value` pairs.
    /// - Parameter conninfo: The connection string.
    /// - Throws: ``PQError`` of kind `.connection` with libpq's message when the string is malformed.
    public init(conninfo: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &errorMessage) else {
            var message = "invalid connection string"
            if let errorMessage {
                message = String(cString: errorMessage).trimmingTrailingNewlines()
                PQfreemem(errorMessage)
            }
            throw PQError(kind: .connection, message: message)
        }
        defer { PQconninfoFree(options) }
        var pairs: [(String, String)] = []
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val {
                pairs.append((String(cString: keyword), String(cString: value)))
            }
            option += 1
        }
        self.parameters = pairs
    }

    /// A configuration from the process environment, or `nil` when it names no database.
    ///
    /// `DATABASE_URL` wins when set (and parses). Otherwise, when any `PG*` variable (`PGHOST`,
    /// `PGDATABASE`, …) is present, the result is empty so libpq applies its own environment defaults.
    /// - Parameter env: The environment, usually `ProcessInfo.processInfo.environment`.
    public static func environment(_ env: [String: String]) -> PQConfiguration? {
        if let url = env["DATABASE_URL"], !url.isEmpty, let configuration = try? PQConfiguration(conninfo: url) {
            return configuration
        }
        if env.keys.contains(where: { $0.hasPrefix("PG") }) {
            return PQConfiguration(parameters: [])
        }
        return nil
    }

    /// The value of `keyword`, if set (the last occurrence wins).
    public subscript(keyword: String) -> String? {
        parameters.last(where: { $0.0 == keyword })?.1
    }

    /// Pairs as `key=value`, with any password replaced by `********`.
    public var description: String {
        redactedPairs.map { "\($0.0)=\($0.1)" }.joined(separator: " ")
    }

    private var redactedPairs: [(String, String)] {
        parameters.flatMap { pair -> [(String, String)] in
            if pair.0 == "password" { return [(pair.0, "********")] }
            if pair.0 == "dbname", pair.1.contains("=") || pair.1.contains("://") {
                // An unexpanded connection string: show its parsed, redacted form.
                if let parsed = try? PQConfiguration(conninfo: pair.1) {
                    return parsed.redactedPairs
                }
                return [(pair.0, "********")]
            }
            return [pair]
        }
    }

    /// Whether libpq must expand `dbname` as a connection string (a lone `dbname` holding a URI or `k=v` string).
    var expandDBName: Bool {
        guard parameters.count == 1, parameters[0].0 == "dbname" else { return false }
        let value = parameters[0].1
        return value.hasPrefix("postgresql://") || value.hasPrefix("postgres://") || value.contains("=")
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var text = self
        while let last = text.last, last.isNewline || last == " " { text.removeLast() }
        return text
    }
}
