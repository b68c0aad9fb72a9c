public import Foundation

extension AuditDocument {
    /// Parses an audit document, listing every structural problem with its path.
    /// `visitedAt` must carry an offset and must not be later than `now` (plus
    /// `futureTolerance` seconds for clock skew) when `now` is given.
    public static func parse(json data: Data, now: Date? = nil, futureTolerance: TimeInterval = 300) throws(ValidationFailure) -> AuditDocument {
        try parse(JSONValue.parse(data), now: now, futureTolerance: futureTolerance)
    }

    /// Parses an already parsed JSON value; see `parse(json:now:futureTolerance:)`.
    public static func parse(_ json: JSONValue, now: Date? = nil, futureTolerance: TimeInterval = 300) throws(ValidationFailure) -> AuditDocument {
        let sink = ProblemSink()
        guard let r = ObjectReader(json, path: "", sink: sink) else { throw ValidationFailure(problems: sink.problems) }
        let id = r.string("id", required: true)
        let template = r.string("template", required: true)
        let version = r.int("templateVersion", required: true)
        let outlet = r.string("outlet", required: true)
        let auditor = r.string("auditor", required: true)
        let servedBy = r.string("servedBy")
        let device = r.object("device").map(VisitTrace.parse)
        let visit = r.string("visit")
        var visitedAt: Date?
        let visitedText = r.string("visitedAt", required: true)
        if let visitedText {
            do {
                let d = try Instant.parse(visitedText, path: "visitedAt")
                if let now, d.timeIntervalSince(now) > futureTolerance {
                    sink.add("visitedAt", "is in the future (\(visitedText))")
                } else {
                    visitedAt = d
                }
            } catch {
                sink.problems.append(contentsOf: error.problems)
            }
        }
        var answers: [String: Answer] = [:]
        if let members = r.members("answers", required: true) {
            for (key, value) in members {
                if let a = Answer(json: value) {
                    answers[key] = a
                } else {
                    sink.add("answers." + key, "expected a string, a number or \"na\", got \(value.typeName)")
                }
            }
        }
        var comments: [String: String] = [:]
        for (key, value) in r.members("comments") ?? [] {
            if case .string(let s) = value {
                comments[key] = s
            } else if value != .null {
                sink.add("comments." + key, "expected a string, got \(value.typeName)")
            }
        }
        var attachments: [AttachmentRef] = []
        for (i, raw) in (r.array("attachments") ?? []).enumerated() {
            let path = joinPath("attachments", i)
            guard let a = ObjectReader(raw, path: path, sink: sink) else { continue }
            let item = a.string("item", required: true)
            let name = a.string("name", required: true)
            let sha = a.string("sha256", required: true)
            let contentType = a.string("contentType", required: true)
            let size = a.int("size")
            let captured = a.object("captured").map(AttachmentCapture.parse)
            if let sha, !(sha.utf8.count == 64 && sha.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }) {
                sink.add(joinPath(path, "sha256"), "expected 64 lowercase hex digits")
            }
            if let size, size < 0 { sink.add(joinPath(path, "size"), "must be >= 0") }
            if let contentType, let problem = EvidenceContentType.problem(contentType) {
                sink.add(joinPath(path, "contentType"), problem)
            }
            if let item, let name, let sha, let contentType {
                attachments.append(AttachmentRef(item: item, name: name, sha256: sha, contentType: contentType, size: size, captured: captured))
            }
        }
        guard sink.problems.isEmpty, let id, let template, let version, let outlet, let auditor,
            let visitedText, let visitedAt
        else {
            throw ValidationFailure(problems: sink.problems)
        }
        return AuditDocument(
            id: id, template: template, templateVersion: version, outlet: outlet, visitedAt: visitedAt,
            visitedAtText: visitedText, auditor: auditor, servedBy: servedBy, answers: answers,
            comments: comments, attachments: attachments, device: device, visit: visit)
    }
}
