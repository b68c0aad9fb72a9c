public import Foundation

/// Which way is better.
public enum Direction: String, Sendable, Hashable, Codable, CaseIterable {
    case higher, lower
}

/// The metric a KPI reads (rules.md §2–4), spelled `audit.score`, `audit.section:SRV`,
/// `audit.dimension:tangibles`, `audit.critical_failures`, `survey.top2box`,
/// `survey.mean`, `survey.nps`, `complaint.count`, `complaint.sla_rate`,
/// `complaint.first_response_p50`.
public enum Metric: Sendable, Hashable, Codable, CustomStringConvertible, LosslessStringConvertible {
    case auditScore
    case auditSection(String)
    case auditDimension(Dimension)
    case auditCriticalFailures
    case surveyTop2Box
    case surveyMean
    case surveyNPS
    case complaintCount
    case complaintSLARate
    case complaintFirstResponseP50
    /// Corrective actions due in the period closed on time (docs/actions.md "KPI metrics").
    case actionClosureOnTime
    /// Corrective actions open and overdue at the batch's as-of.
    case actionOpenOverdue

    /// Parses the metric text; nil when unknown.
    public init?(_ text: String) {
        switch text {
        case "audit.score": self = .auditScore
        case "audit.critical_failures": self = .auditCriticalFailures
        case "survey.top2box": self = .surveyTop2Box
        case "survey.mean": self = .surveyMean
        case "survey.nps": self = .surveyNPS
        case "complaint.count": self = .complaintCount
        case "complaint.sla_rate": self = .complaintSLARate
        case "complaint.first_response_p50": self = .complaintFirstResponseP50
        case "action.closure_on_time": self = .actionClosureOnTime
        case "action.open_overdue": self = .actionOpenOverdue
        default:
            if text.hasPrefix("audit.section:") {
                let code = String(text.dropFirst("audit.section:".count))
                guard !code.isEmpty else { return nil }
                self = .auditSection(code)
            } else if text.hasPrefix("audit.dimension:"),
                let d = Dimension(rawValue: String(text.dropFirst("audit.dimension:".count)))
            {
                self = .auditDimension(d)
            } else {
                return nil
            }
        }
    }

    public var description: String {
        switch self {
        case .auditScore: return "audit.score"
        case .auditSection(let code): return "audit.section:" + code
        case .auditDimension(let d): return "audit.dimension:" + d.rawValue
        case .auditCriticalFailures: return "audit.critical_failures"
        case .surveyTop2Box: return "survey.top2box"
        case .surveyMean: return "survey.mean"
        case .surveyNPS: return "survey.nps"
        case .complaintCount: return "complaint.count"
        case .complaintSLARate: return "complaint.sla_rate"
        case .complaintFirstResponseP50: return "complaint.first_response_p50"
        case .actionClosureOnTime: return "action.closure_on_time"
        case .actionOpenOverdue: return "action.open_overdue"
        }
    }

    /// Whether the metric reads audits (and so needs a template).
    public var isAudit: Bool {
        switch self {
        case .auditScore, .auditSection, .auditDimension, .auditCriticalFailures: return true
        default: return false
        }
    }

    /// Survey, complaint, audit or action.
    public var source: String { String(description.prefix { $0 != "." }) }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let m = Metric(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown metric \"\(text)\""))
        }
        self = m
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// Red/amber/green, or too few events.
public enum KPIStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case green, amber, red, insufficient
}

/// A KPI definition (formats.md, rules.md §4).
public struct KPIDefinition: Sendable, Hashable, Codable {
    public var code: String
    /// Defaults to the code.
    public var name: String
    public var metric: Metric
    /// The template code audit metrics read (all versions).
    public var template: String?
    public var direction: Direction
    public var unit: String
    public var threshold: Decimal
    public var target: Decimal
    public var stretch: Decimal?
    /// n below this gives `insufficient` (default 1).
    public var minSample: Int

    public init(
        code: String, name: String? = nil, metric: Metric, template: String? = nil, direction: Direction,
        unit: String = "", threshold: Decimal, target: Decimal, stretch: Decimal? = nil, minSample: Int = 1
    ) {
        self.code = code
        self.name = name ?? code
        self.metric = metric
        self.template = template
        self.direction = direction
        self.unit = unit
        self.threshold = threshold
        self.target = target
        self.stretch = stretch
        self.minSample = minSample
    }

    /// The status of `value` computed from `n` events (rules.md §4).
    public func status(value: Decimal, n: Int) -> KPIStatus {
        if n < minSample { return .insufficient }
        switch direction {
        case .higher: return value >= target ? .green : value >= threshold ? .amber : .red
        case .lower: return value <= target ? .green : value <= threshold ? .amber : .red
        }
    }
}

/// The status of `value` with sample size `n` under `definition`.
public func status(value: Decimal, n: Int, definition: KPIDefinition) -> KPIStatus {
    definition.status(value: value, n: n)
}

/// A computed KPI value for one subject and period.
public struct KPIValue: Sendable, Hashable, Codable {
    /// Unrounded.
    public var value: Decimal
    public var n: Int
    public var status: KPIStatus

    public init(value: Decimal, n: Int, status: KPIStatus) {
        self.value = value
        self.n = n
        self.status = status
    }

    /// The value with its status under `definition`.
    public init(value: Decimal, n: Int, definition: KPIDefinition) {
        self.init(value: value, n: n, status: definition.status(value: value, n: n))
    }
}

extension KPIDefinition {
    /// Parses a JSON array of KPI definitions, listing every problem with its path (`[2].target`).
    public static func parseList(json data: Data) throws(ValidationFailure) -> [KPIDefinition] {
        try parseList(JSONValue.parse(data))
    }

    /// Parses an already parsed JSON array of KPI definitions.
    public static func parseList(_ json: JSONValue) throws(ValidationFailure) -> [KPIDefinition] {
        let sink = ProblemSink()
        guard case .array(let items) = json else {
            throw ValidationFailure(path: "", message: "expected an array of KPI definitions, got \(json.typeName)")
        }
        var out: [KPIDefinition] = []
        var seen = Set<String>()
        for (i, item) in items.enumerated() {
            let path = "[\(i)]"
            guard let r = ObjectReader(item, path: path, sink: sink) else { continue }
            let code = r.string("code", required: true)
            if let code, !seen.insert(code).inserted { sink.add(joinPath(path, "code"), "duplicate KPI code \"\(code)\"") }
            let name = r.string("name")
            var metric: Metric?
            if let text = r.string("metric", required: true) {
                metric = Metric(text)
                if metric == nil { sink.add(joinPath(path, "metric"), "unknown metric \"\(text)\"") }
            }
            let template = r.string("template")
            if let metric, metric.isAudit, template == nil, !r.has("template") {
                sink.add(joinPath(path, "template"), "is required for audit metrics")
            }
            let direction = r.oneOf("direction", required: true, ["higher": Direction.higher, "lower": Direction.lower])
            let unit = r.string("unit", nonEmpty: false) ?? ""
            let threshold = r.decimal("threshold", required: true)
            let target = r.decimal("target", required: true)
            let stretch = r.decimal("stretch")
            let minSample = r.int("minSample") ?? 1
            if minSample < 1 { sink.add(joinPath(path, "minSample"), "must be >= 1") }
            if let direction, let threshold, let target {
                checkOrder(direction: direction, threshold: threshold, target: target, stretch: stretch, path: path, sink: sink)
            }
            if let code, let metric, let direction, let threshold, let target {
                out.append(
                    KPIDefinition(
                        code: code, name: name, metric: metric, template: template, direction: direction,
                        unit: unit, threshold: threshold, target: target, stretch: stretch, minSample: minSample))
            }
        }
        guard sink.problems.isEmpty else { throw ValidationFailure(problems: sink.problems) }
        return out
    }

    /// Records a problem unless threshold <= target <= stretch (higher) or the reverse (lower).
    static func checkOrder(
        direction: Direction, threshold: Decimal, target: Decimal, stretch: Decimal?,
        path: String, sink: ProblemSink, strict: Bool = false
    ) {
        func ordered(_ a: Decimal, _ b: Decimal) -> Bool {
            let (lo, hi) = direction == .higher ? (a, b) : (b, a)
            return strict ? lo < hi : lo <= hi
        }
        let rel = direction == .higher ? (strict ? "<" : "<=") : (strict ? ">" : ">=")
        if !ordered(threshold, target) {
            sink.add(joinPath(path, "target"), "direction \(direction.rawValue) needs threshold \(rel) target (\(threshold) vs \(target))")
        }
        if let stretch, !ordered(target, stretch) {
            sink.add(joinPath(path, "stretch"), "direction \(direction.rawValue) needs target \(rel) stretch (\(target) vs \(stretch))")
        }
    }
}
