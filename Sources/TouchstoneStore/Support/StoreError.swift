import PQ
public import TouchstoneCore

/// What the store reports to its callers. Database errors are mapped to these in one
/// place (``init(translating:)``); the server maps these to HTTP, the CLI to messages.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The thing asked for does not exist (or is not visible to this tenant).
    case notFound(String)
    /// The request conflicts with what is stored (a duplicate, a changed replay).
    case conflict(String)
    /// The input breaks rules; every problem is listed with its path or line and column.
    case invalid([Problem])
    /// The period is closed; nothing in it can change.
    case periodClosed(String)
    /// A versioned definition that is in use cannot change.
    case immutable(String)
    /// The state of a resource does not allow the action.
    case invalidState(String)
    /// The caller may not do this.
    case forbidden(String)
    /// The database cannot be reached or is shutting down; retry later.
    case unavailable(String)
    /// Another run holds the lock (for example a batch of the same tenant).
    case busy(String)

    public var description: String {
        switch self {
        case .notFound(let what): return "not found: \(what)"
        case .conflict(let what): return "conflict: \(what)"
        case .invalid(let problems):
            return problems.map { "\($0.path): \($0.message)" }.joined(separator: "\n")
        case .periodClosed(let what): return what
        case .immutable(let what): return what
        case .invalidState(let what): return what
        case .forbidden(let what): return "forbidden: \(what)"
        case .unavailable(let what): return "database unavailable: \(what)"
        case .busy(let what): return what
        }
    }

    /// Translates an error into what callers should see: store errors pass through,
    /// database errors with a domain meaning become store errors, anything else is
    /// returned unchanged (the server answers it with a generic 500).
    ///
    /// A database error's own text (detail, constraint and table names, internal ids) never
    /// goes into the store error: it is logged on ``StoreErrorLog/logger`` (with the request id
    /// in the server) and callers get a generic message.
    public static func translate(_ error: any Error) -> any Error {
        if error is StoreError { return error }
        guard let pqError = error as? PQError else { return error }
        let meaning = StoreError(pqError)
        StoreErrorLog.record(pqError, meaning: meaning)
        return meaning ?? pqError
    }

    /// The store error a database error means, or nil when it means nothing to the domain.
    /// Only our own triggers' messages (closed periods, used versions, the append-only log)
    /// are passed on; PostgreSQL's are replaced by generic ones.
    init?(_ pqError: PQError) {
        switch pqError.code {
        case SQLState.periodClosed: self = .periodClosed(pqError.message)
        case SQLState.definitionInUse, SQLState.appendOnly: self = .immutable(pqError.message)
        case .uniqueViolation, .exclusionViolation: self = .conflict("the change conflicts with stored data (a duplicate or an overlap)")
        case .foreignKeyViolation: self = .invalid([Problem(path: "", message: "refers to something that does not exist, or is still referred to")])
        case .checkViolation, .notNullViolation, .invalidTextRepresentation:
            self = .invalid([Problem(path: "", message: "a value breaks a rule of the stored data")])
        case .lockNotAvailable: self = .busy("another change holds this data; try again")
        case .insufficientPrivilege: self = .forbidden("the database refused this change")
        default:
            guard pqError.isConnectionProblem else { return nil }
            self = .unavailable("the database cannot be reached")
        }
    }
}

extension SQLState {
    /// Raised by the trigger that guards closed periods (sql/0003_kpis.sql).
    static let periodClosed: SQLState = "TS001"
    /// Raised by the triggers that guard used template and plan versions.
    static let definitionInUse: SQLState = "TS002"
    /// Raised by the trigger that keeps the change log append-only (sql/0040_change_log.sql).
    static let appendOnly: SQLState = "TS003"
}

extension PQError {
    /// Whether the error means the server or the connection is gone rather than the statement failed.
    var isConnectionProblem: Bool {
        switch kind {
        case .connection, .poolTimeout, .poolClosed: return true
        default: return code?.isConnectionError ?? false
        }
    }
}
