import Foundation

extension AuditDocument {
    /// Problems of this document against its template: template code/version mismatch,
    /// unknown items (in answers, comments, attachments), missing answers for scored items,
    /// wrong types or out-of-range values, `"na"` where not allowed, options not in the list.
    /// Paths look like `answers.S1`. Text and photo items accept anything or nothing.
    public func problems(against template: Template) -> [Problem] {
        var out: [Problem] = []
        if self.template != template.code {
            out.append(Problem(path: "template", message: "document is for template \"\(self.template)\", not \"\(template.code)\""))
        }
        if templateVersion != template.version {
            out.append(Problem(path: "templateVersion", message: "document is for version \(templateVersion), not \(template.version)"))
        }
        var known = Set<String>()
        for (_, item) in template.allItems {
            known.insert(item.code)
            let path = "answers." + item.code
            guard let answer = answers[item.code] else {
                if item.type.isScored { out.append(Problem(path: path, message: "missing answer for scored item")) }
                continue
            }
            if let message = AuditDocument.answerProblem(answer, item: item) {
                out.append(Problem(path: path, message: message))
            }
        }
        for key in answers.keys.sorted() where !known.contains(key) {
            out.append(Problem(path: "answers." + key, message: "unknown item \"\(key)\" in template \(template.code) v\(template.version)"))
        }
        for key in comments.keys.sorted() where !known.contains(key) {
            out.append(Problem(path: "comments." + key, message: "unknown item \"\(key)\""))
        }
        for (i, a) in attachments.enumerated() where !known.contains(a.item) {
            out.append(Problem(path: "attachments[\(i)].item", message: "unknown item \"\(a.item)\""))
        }
        return out
    }

    /// Why `answer` is not acceptable for `item`, or nil when it is.
    static func answerProblem(_ answer: Answer, item: TemplateItem) -> String? {
        guard item.type.isScored else { return nil }
        if case .na = answer {
            return item.na ? nil : "\"na\" is not allowed for this item"
        }
        switch item.type {
        case .yesno:
            if case .text(let s) = answer, s == "yes" || s == "no" { return nil }
            return "expected \"yes\" or \"no\", got \(answer.debugText)"
        case .scale:
            let lo = item.min ?? 0
            let hi = item.max ?? 0
            if case .number(let v) = answer, v == v.rounded(scale: 0), v >= Decimal(lo), v <= Decimal(hi) { return nil }
            return "expected an integer from \(lo) to \(hi), got \(answer.debugText)"
        case .measure:
            if case .number = answer { return nil }
            return "expected a number, got \(answer.debugText)"
        case .choice:
            let values = (item.options ?? []).map(\.value)
            if case .text(let s) = answer, values.contains(s) { return nil }
            return "expected one of \(values.map { "\"\($0)\"" }.joined(separator: ", ")), got \(answer.debugText)"
        case .text, .photo:
            return nil
        }
    }

    /// Codes of photo items marked `required` that have no attachment, in template order.
    public func missingRequiredPhotos(in template: Template) -> [String] {
        let attached = Set(attachments.map(\.item))
        return template.allItems.filter { $0.item.type == .photo && $0.item.required && !attached.contains($0.item.code) }
            .map(\.item.code)
    }
}

extension Answer {
    var debugText: String {
        switch self {
        case .na: return "\"na\""
        case .text(let s): return "\"\(s)\""
        case .number(let d): return d.description
        }
    }
}

/// Problems of `doc` against `template` (see `AuditDocument.problems(against:)`).
public func validate(_ doc: AuditDocument, against template: Template) -> [Problem] {
    doc.problems(against: template)
}

/// Required photo items of `template` not attached to `doc`.
public func missingRequiredPhotos(_ doc: AuditDocument, _ template: Template) -> [String] {
    doc.missingRequiredPhotos(in: template)
}
