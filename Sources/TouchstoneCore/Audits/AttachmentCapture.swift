import Foundation

/// Where and when a photo was taken, as the auditor's device read it from the photo's EXIF
/// (`captured` of an attachment in an audit document; formats.md "Audits"). The served image
/// carries no EXIF (``JPEGMetadata``), so this is where head office finds them.
public struct AttachmentCapture: Sendable, Hashable, Codable {
    /// The camera's local time, `YYYY-MM-DDTHH:MM:SS` with an offset when the camera recorded one.
    public var at: String?
    public var position: GeoPoint?

    public init(at: String? = nil, position: GeoPoint? = nil) {
        self.at = at
        self.position = position
    }

    /// The JSON form: only what was recorded.
    public var jsonValue: JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        if let at { members.append(("at", .string(at))) }
        if let position { members.append(("position", position.jsonValue)) }
        return .object(members)
    }

    /// Whether `text` is a local date-time `YYYY-MM-DDTHH:MM:SS`, optionally followed by `Z` or `±HH:MM`.
    public static func isCaptureTime(_ text: String) -> Bool {
        let chars = Array(text.utf8)
        guard chars.count >= 19 else { return false }
        let shape = Array("dddd-dd-ddTdd:dd:dd".utf8)
        for (c, s) in zip(chars, shape) {
            if s == UInt8(ascii: "d") {
                guard (48...57).contains(c) else { return false }
            } else if c != s {
                return false
            }
        }
        guard CivilDate(String(text.prefix(10))) != nil else { return false }
        let rest = String(decoding: chars[19...], as: UTF8.self)
        if rest.isEmpty || rest == "Z" { return true }
        let offset = Array(rest.utf8)
        return offset.count == 6 && (offset[0] == UInt8(ascii: "+") || offset[0] == UInt8(ascii: "-"))
            && offset[3] == UInt8(ascii: ":") && [1, 2, 4, 5].allSatisfy { (48...57).contains(offset[$0]) }
    }

    /// Reads `captured` of an attachment, adding problems at its paths.
    static func parse(_ reader: ObjectReader) -> AttachmentCapture {
        var capture = AttachmentCapture()
        if let at = reader.string("at") {
            if isCaptureTime(at) {
                capture.at = at
            } else {
                reader.sink.add(joinPath(reader.path, "at"), "expected a date-time YYYY-MM-DDTHH:MM:SS (optionally with Z or ±HH:MM), got \"\(at)\"")
            }
        }
        capture.position = GeoPoint.read(reader, key: "position")
        return capture
    }
}
