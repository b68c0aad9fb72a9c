/// The media types evidence may have. Evidence is served from Touchstone's own origin, so only
/// types a browser renders inertly are accepted: raster images and PDF (never HTML or SVG,
/// which could run a script in a head-office session).
public enum EvidenceContentType {
    /// Raster image types, shown inline.
    public static let images: Set<String> = ["image/jpeg", "image/png", "image/webp", "image/heic"]
    /// Every accepted type: the images and `application/pdf`.
    public static let allowed: Set<String> = images.union(["application/pdf"])

    /// The bare media type of a header value, lowercased: `Image/JPEG; q=1` → `image/jpeg`.
    public static func mediaType(_ value: String) -> String {
        let bare = value.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return bare.trimmingLineWhitespace.lowercased()
    }

    /// Whether `value` (a declared content type, parameters allowed) is an accepted type.
    public static func isAllowed(_ value: String) -> Bool {
        allowed.contains(mediaType(value))
    }

    /// Whether `value` is an accepted raster image (served inline; anything else is a download).
    public static func isImage(_ value: String) -> Bool {
        images.contains(mediaType(value))
    }

    /// Why `value` is refused, or nil when it is accepted.
    public static func problem(_ value: String) -> String? {
        isAllowed(value) ? nil : "\"\(value)\" is not accepted; use one of \(allowed.sorted().joined(separator: ", "))"
    }
}
