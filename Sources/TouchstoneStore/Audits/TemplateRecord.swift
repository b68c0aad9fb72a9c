import TouchstoneCore

/// A stored template version as listings show it.
public struct TemplateSummary: Sendable, Codable, Equatable {
    public var code: String
    public var version: Int
    public var name: String
    public var requireReview: Bool
    public var disputeDays: Int
    /// How many audits use this version (a used version is immutable).
    public var audits: Int
}

/// What adding a template version did.
public enum TemplateAddOutcome: String, Sendable, Codable, Equatable {
    /// A new code or version.
    case created
    /// The same code and version with identical content was already stored.
    case unchanged
    /// The version existed with other content and no audit used it; it was replaced.
    case replaced
}
