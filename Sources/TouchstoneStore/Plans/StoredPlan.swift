public import Foundation

/// One stored version of an incentive plan (formats.md "Plan"), with its JSON as added.
public struct StoredPlan: Sendable, Codable, Equatable {
    public let code: String
    /// 1 for the first version; each changed `plan add` makes the next.
    public let version: Int
    public let name: String
    public let createdAt: Date
    /// The plan JSON as it was added.
    public let definition: String
}

/// What `plan add` did.
public struct PlanAddResult: Sendable, Codable, Equatable {
    /// `created`: a new version; `unchanged`: identical to the latest version, nothing stored.
    public enum Outcome: String, Sendable, Codable {
        case created, unchanged
    }

    public let plan: StoredPlan
    public let outcome: Outcome
}
