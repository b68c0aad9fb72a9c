import HTTPTypes
import TouchstoneCore
import TouchstoneStore

extension PageForm {
    /// The status and `field: message` lines a form shows again for a bad input (422), a key in
    /// use (409) or a change its state refuses (409); nil for other errors.
    static func problems(_ error: any Error) -> (HTTPResponse.Status, [String])? {
        switch error {
        case let failure as ValidationFailure: (.unprocessableContent, failure.problems.map(\.description))
        case StoreError.invalid(let problems): (.unprocessableContent, problems.map(\.description))
        case StoreError.conflict(let what), StoreError.invalidState(let what): (.conflict, [what])
        default: nil
        }
    }
}
