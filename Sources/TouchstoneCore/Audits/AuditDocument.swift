public import Foundation

/// One answer in an audit document: text (`"yes"`, an option value, free text), a number,
/// or `"na"` (not applicable).
public enum Answer: Sendable, Hashable, Codable, CustomStringConvertible {
    case text(String)
    case number(Decimal)
    case na

    /// The JSON form: `"na"`, a string, or a number.
    public var jsonValue: JSONValue {
        switch self {
        case .na: return .string("na")
        case .text(let s): return .string(s)
        case .number(let d): return .number(d.description)
        }
    }

    /// Reads an answer from JSON: the string `"na"` is `.na`; other strings are text;
    /// numbers are exact decimals. nil for other JSON types.
    public init?(json: JSONValue) {
        switch json {
        case .string(let s): self = s == "na" ? .na : .text(s)
        case .number(let t):
            guard let d = decimalFromJSONNumber(t) else { return nil }
            self = .number(d)
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .na: return "na"
        case .text(let s): return s
        case .number(let d): return d.description
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) {
            self = s == "na" ? .na : .text(s)
        } else {
            self = .number(try c.decode(Decimal.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .na: try c.encode("na")
        case .text(let s): try c.encode(s)
        case .number(let d): try c.encode(d)
        }
    }
}

/// A declared attachment (the bytes travel separately).
public struct AttachmentRef: Sendable, Hashable, Codable {
    public var item: String
    public var name: String
    /// 64 lowercase hex digits.
    public var sha256: String
    public var contentType: String
    public var size: Int?
    /// Where and when the photo was taken, as the device read it from the photo's EXIF.
    public var captured: AttachmentCapture?

    public init(item: String, name: String, sha256: String, contentType: String, size: Int? = nil, captured: AttachmentCapture? = nil) {
        self.item = item
        self.name = name
        self.sha256 = sha256
        self.contentType = contentType
        self.size = size
        self.captured = captured
    }
}

/// An uploaded audit (formats.md "Audit document").
public struct AuditDocument: Sendable, Hashable {
    /// Uploader-chosen id; makes the upload idempotent.
    public var id: String
    public var template: String
    public var templateVersion: Int
    public var outlet: String
    public var visitedAt: Date
    /// `visitedAt` exactly as uploaded (keeps its offset).
    public var visitedAtText: String
    public var auditor: String
    public var servedBy: String?
    public var answers: [String: Answer]
    public var comments: [String: String]
    public var attachments: [AttachmentRef]
    /// What the auditor's device recorded (times, position), if anything.
    public var device: VisitTrace?
    /// The planned visit the audit was made for (its `visit_id`), if the upload names one.
    public var visit: String?

    public init(
        id: String, template: String, templateVersion: Int, outlet: String, visitedAt: Date,
        visitedAtText: String, auditor: String, servedBy: String? = nil, answers: [String: Answer],
        comments: [String: String] = [:], attachments: [AttachmentRef] = [], device: VisitTrace? = nil, visit: String? = nil
    ) {
        self.id = id
        self.template = template
        self.templateVersion = templateVersion
        self.outlet = outlet
        self.visitedAt = visitedAt
        self.visitedAtText = visitedAtText
        self.auditor = auditor
        self.servedBy = servedBy
        self.answers = answers
        self.comments = comments
        self.attachments = attachments
        self.device = device
        self.visit = visit
    }

    /// The document as JSON with every field present (comments `{}` and attachments `[]`
    /// when empty, `servedBy` omitted when absent).
    public var jsonValue: JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("id", .string(id)), ("template", .string(template)), ("templateVersion", .number(String(templateVersion))),
            ("outlet", .string(outlet)), ("visitedAt", .string(visitedAtText)), ("auditor", .string(auditor)),
        ]
        if let servedBy { members.append(("servedBy", .string(servedBy))) }
        members.append(("answers", .object(answers.sorted { $0.key < $1.key }.map { ($0.key, $0.value.jsonValue) })))
        members.append(("comments", .object(comments.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })))
        members.append(
            (
                "attachments",
                .array(
                    attachments.map { a in
                        var m: [(key: String, value: JSONValue)] = [
                            ("item", .string(a.item)), ("name", .string(a.name)), ("sha256", .string(a.sha256)),
                            ("contentType", .string(a.contentType)),
                        ]
                        if let size = a.size { m.append(("size", .number(String(size)))) }
                        // Present only when uploaded: older documents keep their canonical text.
                        if let captured = a.captured { m.append(("captured", captured.jsonValue)) }
                        return .object(m)
                    })
            ))
        // Present only when uploaded, so the canonical text (and hash) of older documents stays as it was.
        if let device { members.append(("device", device.jsonValue)) }
        if let visit { members.append(("visit", .string(visit))) }
        return .object(members)
    }

    /// Canonical JSON (sorted keys, canonical numbers, no whitespace): the same content
    /// gives the same text, whatever the key order or number spelling of the upload.
    /// Hash it to detect "same id, other content".
    public var canonicalJSON: String { jsonValue.canonicalText }
}
