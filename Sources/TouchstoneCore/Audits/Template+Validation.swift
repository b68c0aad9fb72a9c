public import Foundation

extension Template {
    /// Parses and validates a template from JSON, listing every problem with its path
    /// (`sections[1].items[0].points`).
    public static func parse(json data: Data) throws(ValidationFailure) -> Template {
        try parse(JSONValue.parse(data))
    }

    /// Parses and validates an already parsed JSON value.
    public static func parse(_ json: JSONValue) throws(ValidationFailure) -> Template {
        let sink = ProblemSink()
        guard let root = ObjectReader(json, path: "", sink: sink) else { throw ValidationFailure(problems: sink.problems) }
        let code = root.string("code", required: true)
        let version = root.int("version", required: true)
        if let version, version < 1 { sink.add("version", "must be >= 1") }
        let name = root.string("name")
        let requireReview = root.bool("requireReview") ?? false
        let disputeDays = root.int("disputeDays") ?? 7
        if disputeDays < 0 { sink.add("disputeDays", "must be >= 0") }
        let minimumMinutes = root.int("minimumMinutes")
        if let minimumMinutes, minimumMinutes < 1 { sink.add("minimumMinutes", "must be >= 1") }
        let runningScore = root.bool("runningScore") ?? true
        var sections: [TemplateSection] = []
        var sectionCodes = Set<String>()
        var itemCodes = [String: String]()
        if let rawSections = root.array("sections", required: true) {
            if rawSections.isEmpty { sink.add("sections", "must have at least one section") }
            for (si, rawSection) in rawSections.enumerated() {
                let sPath = joinPath("sections", si)
                if let s = parseSection(rawSection, path: sPath, sink: sink, sectionCodes: &sectionCodes, itemCodes: &itemCodes) {
                    sections.append(s)
                }
            }
        }
        guard sink.problems.isEmpty, let code, let version else { throw ValidationFailure(problems: sink.problems) }
        return Template(
            code: code, version: version, name: name, requireReview: requireReview,
            disputeDays: disputeDays, minimumMinutes: minimumMinutes, runningScore: runningScore, sections: sections)
    }

    private static let dimensions = Dictionary(uniqueKeysWithValues: Dimension.allCases.map { ($0.rawValue, $0) })

    private static func parseSection(
        _ json: JSONValue, path: String, sink: ProblemSink,
        sectionCodes: inout Set<String>, itemCodes: inout [String: String]
    ) -> TemplateSection? {
        guard let r = ObjectReader(json, path: path, sink: sink) else { return nil }
        let code = r.string("code", required: true)
        if let code, !sectionCodes.insert(code).inserted {
            sink.add(joinPath(path, "code"), "duplicate section code \"\(code)\"")
        }
        let name = r.string("name")
        let weight = r.decimal("weight", required: true)
        if let weight, weight <= 0 { sink.add(joinPath(path, "weight"), "must be > 0") }
        let dimension = r.oneOf("dimension", required: true, dimensions)
        var items: [TemplateItem] = []
        if let rawItems = r.array("items", required: true) {
            if rawItems.isEmpty { sink.add(joinPath(path, "items"), "must have at least one item") }
            for (ii, rawItem) in rawItems.enumerated() {
                let iPath = joinPath(joinPath(path, "items"), ii)
                if let item = parseItem(rawItem, path: iPath, sink: sink) {
                    if let first = itemCodes[item.code] {
                        sink.add(joinPath(iPath, "code"), "duplicate item code \"\(item.code)\" (first at \(first))")
                    } else {
                        itemCodes[item.code] = iPath
                    }
                    items.append(item)
                }
            }
        }
        guard let code, let weight, let dimension else { return nil }
        return TemplateSection(code: code, name: name, weight: weight, dimension: dimension, items: items)
    }

    private static func parseItem(_ json: JSONValue, path: String, sink: ProblemSink) -> TemplateItem? {
        guard let r = ObjectReader(json, path: path, sink: sink) else { return nil }
        let code = r.string("code", required: true)
        let text = r.string("text", nonEmpty: false) ?? ""
        let types = Dictionary(uniqueKeysWithValues: ItemType.allCases.map { ($0.rawValue, $0) })
        let type = r.oneOf("type", required: true, types)
        let na = r.bool("na") ?? false
        let required = r.bool("required") ?? false
        let action = r.bool("action") ?? false
        let critical = r.oneOf("critical", ["section": CriticalLevel.section, "audit": CriticalLevel.audit])
        let dimension = r.oneOf("dimension", dimensions)
        var points: Decimal?
        var minV: Int?
        var maxV: Int?
        var pass: PassRule?
        var options: [ChoiceOption]?
        if let type {
            if type.isScored {
                points = r.decimal("points", required: true)
                if let p = points, p <= 0 { sink.add(joinPath(path, "points"), "must be > 0") }
            } else {
                if r.has("points") { sink.add(joinPath(path, "points"), "only scored items (yesno, scale, measure, choice) have points") }
                if r.has("na") && na { sink.add(joinPath(path, "na"), "only scored items can be \"na\"") }
            }
            if critical != nil, type != .yesno, type != .measure {
                sink.add(joinPath(path, "critical"), "critical is allowed on yesno and measure items only")
            }
            switch type {
            case .scale:
                minV = r.int("min", required: true)
                maxV = r.int("max", required: true)
                if let a = minV, let b = maxV, a >= b { sink.add(joinPath(path, "max"), "must be greater than min (\(a))") }
            case .measure:
                if let p = r.object("pass", required: true) {
                    let hasMax = p.has("max")
                    let hasMin = p.has("min")
                    if hasMax == hasMin {
                        sink.add(p.path, "needs exactly one of \"max\" or \"min\"")
                    } else if hasMax, let x = p.decimal("max") {
                        pass = .max(x)
                    } else if hasMin, let x = p.decimal("min") {
                        pass = .min(x)
                    }
                }
            case .choice:
                options = parseOptions(r, itemPoints: points, sink: sink)
            default:
                break
            }
            if type != .scale {
                if r.has("min") { sink.add(joinPath(path, "min"), "only scale items have min") }
                if r.has("max") { sink.add(joinPath(path, "max"), "only scale items have max") }
            }
            if type != .measure, r.has("pass") { sink.add(joinPath(path, "pass"), "only measure items have pass") }
            if !type.isScored, action { sink.add(joinPath(path, "action"), "only scored items can fail and open an action") }
            if type != .choice, r.has("options") { sink.add(joinPath(path, "options"), "only choice items have options") }
        }
        guard let code, let type else { return nil }
        return TemplateItem(
            code: code, text: text, type: type, points: points, na: na, critical: critical,
            dimension: dimension, min: minV, max: maxV, pass: pass, options: options, required: required, action: action)
    }

    private static func parseOptions(_ r: ObjectReader, itemPoints: Decimal?, sink: ProblemSink) -> [ChoiceOption]? {
        guard let raw = r.array("options", required: true) else { return nil }
        let oPath = joinPath(r.path, "options")
        if raw.isEmpty { sink.add(oPath, "must have at least one option") }
        var seen = Set<String>()
        var out: [ChoiceOption] = []
        for (i, rawOption) in raw.enumerated() {
            let path = joinPath(oPath, i)
            guard let o = ObjectReader(rawOption, path: path, sink: sink) else { continue }
            let value = o.string("value", required: true)
            let points = o.decimal("points", required: true)
            if let value, value == "na" { sink.add(joinPath(path, "value"), "\"na\" is reserved for not applicable") }
            if let value, !seen.insert(value).inserted { sink.add(joinPath(path, "value"), "duplicate option \"\(value)\"") }
            if let points, points < 0 { sink.add(joinPath(path, "points"), "must be >= 0") }
            if let points, let itemPoints, points > itemPoints {
                sink.add(joinPath(path, "points"), "must be <= the item's points (\(itemPoints))")
            }
            if let value, let points { out.append(ChoiceOption(value: value, points: points)) }
        }
        return out
    }
}
