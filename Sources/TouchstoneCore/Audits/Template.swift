public import Foundation

/// A checklist template version (formats.md "Template", rules.md §1).
public struct Template: Sendable, Hashable, Codable {
    public var code: String
    public var version: Int
    /// Defaults to the code.
    public var name: String
    public var requireReview: Bool
    /// Dispute window in days (default 7).
    public var disputeDays: Int
    /// The shortest believable visit in minutes (the `too_short` trust signal), if set.
    public var minimumMinutes: Int?
    /// Whether the field form shows the auditor the running score as they answer (default true;
    /// false for blind mystery shopping).
    public var runningScore: Bool
    public var sections: [TemplateSection]

    public init(
        code: String, version: Int, name: String? = nil, requireReview: Bool = false,
        disputeDays: Int = 7, minimumMinutes: Int? = nil, runningScore: Bool = true, sections: [TemplateSection]
    ) {
        self.code = code
        self.version = version
        self.name = name ?? code
        self.requireReview = requireReview
        self.disputeDays = disputeDays
        self.minimumMinutes = minimumMinutes
        self.runningScore = runningScore
        self.sections = sections
    }

    /// Every item with its section, in template order.
    public var allItems: [(section: TemplateSection, item: TemplateItem)] {
        sections.flatMap { s in s.items.map { (s, $0) } }
    }

    /// The item with `code`, if any.
    public func item(_ code: String) -> TemplateItem? {
        for s in sections { if let i = s.items.first(where: { $0.code == code }) { return i } }
        return nil
    }

    /// The dimensions the template's scored items use, in `Dimension.allCases` order.
    public var dimensionsUsed: [Dimension] {
        let used = Set(sections.flatMap { s in s.items.filter(\.type.isScored).map { $0.dimension ?? s.dimension } })
        return Dimension.allCases.filter(used.contains)
    }
}

/// A weighted section with a default dimension.
public struct TemplateSection: Sendable, Hashable, Codable {
    public var code: String
    public var name: String
    /// Relative weight, > 0.
    public var weight: Decimal
    public var dimension: Dimension
    public var items: [TemplateItem]

    public init(code: String, name: String? = nil, weight: Decimal, dimension: Dimension, items: [TemplateItem]) {
        self.code = code
        self.name = name ?? code
        self.weight = weight
        self.dimension = dimension
        self.items = items
    }
}

/// Item answer types.
public enum ItemType: String, Sendable, Hashable, Codable, CaseIterable {
    case yesno, scale, measure, choice, text, photo

    /// Whether the type earns points (text and photo do not).
    public var isScored: Bool { self != .text && self != .photo }
}

/// What a failed critical item zeroes.
public enum CriticalLevel: String, Sendable, Hashable, Codable {
    case section, audit
}

/// Pass rule of a `measure` item: `{"max": x}` (v <= x passes) or `{"min": x}` (v >= x).
public enum PassRule: Sendable, Hashable, Codable {
    case max(Decimal)
    case min(Decimal)

    /// Whether `value` passes.
    public func passes(_ value: Decimal) -> Bool {
        switch self {
        case .max(let x): return value <= x
        case .min(let x): return value >= x
        }
    }
}

/// One option of a `choice` item.
public struct ChoiceOption: Sendable, Hashable, Codable {
    public var value: String
    public var points: Decimal

    public init(value: String, points: Decimal) {
        self.value = value
        self.points = points
    }
}

/// A checklist item.
public struct TemplateItem: Sendable, Hashable, Codable {
    public var code: String
    public var text: String
    public var type: ItemType
    /// The most the item can earn (scored types).
    public var points: Decimal?
    /// Whether "na" is allowed.
    public var na: Bool
    public var critical: CriticalLevel?
    /// Overrides the section's dimension.
    public var dimension: Dimension?
    public var min: Int?
    public var max: Int?
    public var pass: PassRule?
    public var options: [ChoiceOption]?
    /// For photos: must be attached at release time.
    public var required: Bool
    /// A failed answer opens a corrective action even when the item is not critical (docs/actions.md).
    public var action: Bool

    public init(
        code: String, text: String = "", type: ItemType, points: Decimal? = nil, na: Bool = false,
        critical: CriticalLevel? = nil, dimension: Dimension? = nil, min: Int? = nil, max: Int? = nil,
        pass: PassRule? = nil, options: [ChoiceOption]? = nil, required: Bool = false, action: Bool = false
    ) {
        self.code = code
        self.text = text
        self.type = type
        self.points = points
        self.na = na
        self.critical = critical
        self.dimension = dimension
        self.min = min
        self.max = max
        self.pass = pass
        self.options = options
        self.required = required
        self.action = action
    }
}
