/// What a served JPEG must not carry: its APP1 segments (EXIF, with the camera's position and
/// time, and XMP). Evidence is stored exactly as uploaded (its sha256 stays the declared one);
/// the copy served to a browser goes through ``strippingAPP1(_:)``.
public enum JPEGMetadata {
    /// `bytes` without its APP1 segments. Everything else (other APP segments, tables, the
    /// scan and what follows it) is kept byte for byte. Bytes that are not a well-formed JPEG
    /// header (no SOI, a segment running past the end) come back unchanged.
    public static func strippingAPP1(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return bytes }
        var out: [UInt8] = [0xFF, 0xD8]
        out.reserveCapacity(bytes.count)
        var i = 2
        while i < bytes.count {
            guard bytes[i] == 0xFF else { return bytes }
            // Fill bytes: any number of 0xFF before a marker.
            var m = i + 1
            while m < bytes.count && bytes[m] == 0xFF { m += 1 }
            guard m < bytes.count else { return bytes }
            let marker = bytes[m]
            switch marker {
            case 0xD9, 0xDA:
                // End of image, or start of scan: the rest is entropy-coded data, kept as is.
                out.append(contentsOf: bytes[i...])
                return out
            case 0x01, 0xD0...0xD7:
                out.append(contentsOf: bytes[i...m])
                i = m + 1
            default:
                guard m + 2 < bytes.count else { return bytes }
                let length = Int(bytes[m + 1]) << 8 | Int(bytes[m + 2])
                let end = m + 1 + length
                guard length >= 2, end <= bytes.count else { return bytes }
                if marker != 0xE1 { out.append(contentsOf: bytes[i..<end]) }
                i = end
            }
        }
        return out
    }

    /// Whether `bytes` hold an APP1 segment before their scan (an EXIF or XMP block).
    public static func hasAPP1(_ bytes: [UInt8]) -> Bool {
        strippingAPP1(bytes).count != bytes.count
    }
}
