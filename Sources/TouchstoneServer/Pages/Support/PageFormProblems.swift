import HTTPTypes
import TouchstoneCore
import TouchstoneStore

extension PageForm {
    /// The status and `field: message` lines a form shows again for a bad input (422), a key in
    /// use (409) or a change its state refuses (409); nil for other errors.
    static func problems(_ error: any Error) -> (HTTPResponse.Status, [String])? {
        fieldProblems(error).map { ($0.0, $0.1.map(\.description)) }
    }

    /// ``problems(_:)`` as problems, for a form that shows each beside its field (`path`; a
    /// conflict belongs to no field).
    static func fieldProblems(_ error: any Error) -> (HTTPResponse.Status, [Problem])? {
        switch error {
        case let failure as ValidationFailure: (.unprocessableContent, failure.problems)
        case StoreError.invalid(let problems): (.unprocessableContent, problems)
        case StoreError.conflict(let what), StoreError.invalidState(let what): (.conflict, [Problem(path: "", message: what)])
        default: nil
        }
    }
}
