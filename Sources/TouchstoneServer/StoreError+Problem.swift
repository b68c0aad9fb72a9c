import HTTPTypes
public import TouchstoneCore
public import TouchstoneStore

/// Store errors as HTTP problems: the one place the domain's failures get their status codes.
extension StoreError: ProblemConvertible {
    public var problem: APIProblem {
        switch self {
        case .notFound(let what): return .notFound("Not found: \(what).")
        case .conflict(let what): return .conflict(what)
        case .invalid(let problems):
            return .validationFailed(problems.map { ProblemDetail(path: $0.path, message: $0.message) })
        case .periodClosed(let what): return APIProblem(status: .conflict, code: "period_closed", message: what)
        case .immutable(let what): return APIProblem(status: .conflict, code: "immutable", message: what)
        case .invalidState(let what): return APIProblem(status: .conflict, code: "invalid_state", message: what)
        case .forbidden(let what): return .forbidden(what)
        case .unavailable: return .unavailable()
        case .busy(let what): return APIProblem(status: .conflict, code: "busy", message: what)
        }
    }
}

/// Core validation failures (a malformed period, instant, document) are 422s listing every problem.
extension ValidationFailure: ProblemConvertible {
    public var problem: APIProblem {
        .validationFailed(problems.map { ProblemDetail(path: $0.path, message: $0.message) })
    }
}
