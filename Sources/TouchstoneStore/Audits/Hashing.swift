import Crypto
import Foundation

/// Lowercase hex digests: SHA-256, the form evidence and content hashes are stored in, and
/// MD5, PostgreSQL's `md5(text)` (a payout explanation's digest, sql/0390).
enum Hashing {
    static func sha256Hex(_ data: Data) -> String {
        hex(SHA256.hash(data: data))
    }

    /// The SHA-256 of a file's bytes, read 1 MiB at a time.
    static func sha256Hex(file: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: file)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
        }
        return hex(hasher.finalize())
    }

    /// What PostgreSQL's `md5(text)` returns for `text`: the MD5 of its UTF-8 bytes.
    static func md5Hex(_ text: String) -> String {
        var text = text
        return text.withUTF8 { hex(Insecure.MD5.hash(data: $0)) }
    }

    static func hex(_ digest: some Digest) -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(2 * type(of: digest).byteCount)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
