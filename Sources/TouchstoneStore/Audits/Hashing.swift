import Crypto
import Foundation

/// Lowercase hex SHA-256, the form evidence and content hashes are stored in.
enum Hashing {
    static func sha256Hex(_ data: Data) -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in SHA256.hash(data: data) {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
