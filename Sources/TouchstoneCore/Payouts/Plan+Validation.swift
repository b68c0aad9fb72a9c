public import Foundation

extension Plan {
    /// Parses and validates a plan, listing every problem with its path
    /// (`components[0].curve.target`). `knownKPIs` maps KPI codes to their definitions:
    /// every component and gate must name one; linear curves are checked against the KPI's
    /// direction. A linear curve's omitted `threshold`/`target`/`stretch` come from the KPI.
    public static func parse(json data: Data, knownKPIs: [String: KPIDefinition]) throws(ValidationFailure) -> Plan {
        try parse(JSONValue.parse(data), knownKPIs: knownKPIs)
    }

    /// Parses an already parsed JSON value; see `parse(json:knownKPIs:)`.
    public static func parse(_ json: JSONValue, knownKPIs: [String: KPIDefinition]) throws(ValidationFailure) -> Plan {
        let sink = ProblemSink()
        guard let r = ObjectReader(json, path: "", sink: sink) else { throw ValidationFailure(problems: sink.problems) }
        let code = r.string("code", required: true)
        let name = r.string("name")
        var roles: [String] = []
        if let raw = r.array("roles", required: true) {
            if raw.isEmpty { sink.add("roles", "must name at least one role") }
            for (i, v) in raw.enumerated() {
                if case .string(let s) = v, !s.isEmpty { roles.append(s) } else { sink.add(joinPath("roles", i), "expected a role name") }
            }
            if Set(roles).count != roles.count { sink.add("roles", "roles must be unique") }
        }
        let period = r.oneOf("period", required: true, ["month": Period.Kind.month, "quarter": Period.Kind.quarter])
        let currency = r.string("currency", required: true)
        if let currency, !(currency.utf8.count == 3 && currency.utf8.allSatisfy { (65...90).contains($0) }) {
            sink.add("currency", "expected a 3-letter ISO 4217 code such as CNY")
        }
        let targetBonus = r.decimal("targetBonus")
        if let targetBonus, targetBonus < 0 { sink.add("targetBonus", "must be >= 0") }
        let cap = r.decimal("cap") ?? 150
        if cap <= 0 { sink.add("cap", "must be > 0") }
        var components: [PlanComponent] = []
        if let raw = r.array("components", required: true) {
            if raw.isEmpty { sink.add("components", "must have at least one component") }
            for (i, v) in raw.enumerated() {
                if let c = parseComponent(v, path: joinPath("components", i), sink: sink, kpis: knownKPIs) { components.append(c) }
            }
        }
        var gates: [Gate] = []
        for (i, v) in (r.array("gates") ?? []).enumerated() {
            if let g = parseGate(v, path: joinPath("gates", i), sink: sink, kpis: knownKPIs) { gates.append(g) }
        }
        guard sink.problems.isEmpty, let code, let period, let currency else { throw ValidationFailure(problems: sink.problems) }
        return Plan(
            code: code, name: name, roles: roles, period: period, currency: currency, targetBonus: targetBonus,
            cap: cap, components: components, gates: gates)
    }

    private static let levels = ["staff": PlanLevel.staff, "outlet": PlanLevel.outlet]

    private static func kpi(_ r: ObjectReader, kpis: [String: KPIDefinition]) -> KPIDefinition? {
        guard let code = r.string("kpi", required: true) else { return nil }
        guard let d = kpis[code] else {
            r.sink.add(joinPath(r.path, "kpi"), "unknown KPI \"\(code)\"")
            return nil
        }
        return d
    }

    private static func parseComponent(_ json: JSONValue, path: String, sink: ProblemSink, kpis: [String: KPIDefinition]) -> PlanComponent? {
        guard let r = ObjectReader(json, path: path, sink: sink) else { return nil }
        let definition = kpi(r, kpis: kpis)
        let level = r.oneOf("level", required: true, levels)
        let weight = r.decimal("weight", required: true)
        if let weight, weight <= 0 { sink.add(joinPath(path, "weight"), "must be > 0") }
        let policy =
            r.oneOf("insufficient", ["redistribute": InsufficientPolicy.redistribute, "target": .target, "zero": .zero])
            ?? .redistribute
        var curve: Curve?
        if let c = r.object("curve", required: true) {
            curve = parseCurve(c, definition: definition)
        }
        guard let definition, let level, let weight, let curve else { return nil }
        return PlanComponent(kpi: definition.code, level: level, weight: weight, curve: curve, insufficient: policy)
    }

    private static func parseCurve(_ r: ObjectReader, definition: KPIDefinition?) -> Curve? {
        let sink = r.sink
        guard let type = r.oneOf("type", required: true, ["linear": "linear", "tiers": "tiers"]) else { return nil }
        if type == "linear" {
            let threshold = r.decimal("threshold") ?? definition?.threshold
            let target = r.decimal("target") ?? definition?.target
            let stretch = r.decimal("stretch") ?? definition?.stretch
            let atThreshold = r.decimal("atThreshold") ?? 50
            let atStretch = r.decimal("atStretch") ?? 150
            if threshold == nil { sink.add(joinPath(r.path, "threshold"), "is required (the KPI has none)") }
            if target == nil { sink.add(joinPath(r.path, "target"), "is required (the KPI has none)") }
            if atThreshold < 0 || atThreshold > 100 { sink.add(joinPath(r.path, "atThreshold"), "must be between 0 and 100") }
            if atStretch < 100 { sink.add(joinPath(r.path, "atStretch"), "must be >= 100") }
            guard let threshold, let target else { return nil }
            if let definition {
                KPIDefinition.checkOrder(
                    direction: definition.direction, threshold: threshold, target: target,
                    stretch: stretch, path: r.path, sink: sink)
            }
            return .linear(
                LinearCurve(
                    threshold: threshold, target: target, stretch: stretch,
                    atThreshold: atThreshold, atStretch: atStretch))
        }
        guard let raw = r.array("tiers", required: true) else { return nil }
        let tPath = joinPath(r.path, "tiers")
        if raw.isEmpty { sink.add(tPath, "must have at least one tier") }
        var tiers: [Tier] = []
        var seen = Set<Decimal>()
        for (i, v) in raw.enumerated() {
            let path = joinPath(tPath, i)
            guard let t = ObjectReader(v, path: path, sink: sink) else { continue }
            let from = t.decimal("from", required: true)
            let pct = t.decimal("pct", required: true)
            if let from, !seen.insert(from).inserted { sink.add(joinPath(path, "from"), "duplicate tier from \(from)") }
            if let pct, pct < 0 { sink.add(joinPath(path, "pct"), "must be >= 0") }
            if let from, let pct { tiers.append(Tier(from: from, pct: pct)) }
        }
        return .tiers(tiers)
    }

    private static func parseGate(_ json: JSONValue, path: String, sink: ProblemSink, kpis: [String: KPIDefinition]) -> Gate? {
        guard let r = ObjectReader(json, path: path, sink: sink) else { return nil }
        let definition = kpi(r, kpis: kpis)
        let level = r.oneOf("level", required: true, levels)
        var condition: GateCondition?
        if let members = r.members("when", required: true) {
            let wPath = joinPath(path, "when")
            if members.count != 1 {
                sink.add(wPath, "needs exactly one of gt, ge, lt, le, eq")
            } else if let cmp = Comparison(rawValue: members[0].key) {
                if let x = ObjectReader.decimal(members[0].value, path: joinPath(wPath, cmp.rawValue), sink: sink) {
                    condition = GateCondition(cmp, x)
                }
            } else {
                sink.add(joinPath(wPath, members[0].key), "unknown comparison (expected gt, ge, lt, le or eq)")
            }
        }
        var effect: GateEffect?
        let ePath = joinPath(path, "effect")
        switch r.raw("effect") {
        case nil: sink.add(ePath, "is required")
        case .string("zero")?: effect = .zero
        case .object(let m)? where m.count == 1 && m[0].key == "multiply":
            if let x = ObjectReader.decimal(m[0].value, path: joinPath(ePath, "multiply"), sink: sink) {
                if x < 0 { sink.add(joinPath(ePath, "multiply"), "must be >= 0") } else { effect = .multiply(x) }
            }
        default: sink.add(ePath, "expected \"zero\" or {\"multiply\": m}")
        }
        guard let definition, let level, let condition, let effect else { return nil }
        return Gate(kpi: definition.code, level: level, when: condition, effect: effect)
    }
}
