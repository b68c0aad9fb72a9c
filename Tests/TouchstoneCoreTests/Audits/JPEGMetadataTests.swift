import Foundation
import Testing

@testable import TouchstoneCore

@Suite struct JPEGMetadataTests {
    /// A segment: marker, big-endian length (payload + 2), payload.
    static func segment(_ marker: UInt8, _ payload: [UInt8]) -> [UInt8] {
        let length = payload.count + 2
        return [0xFF, marker, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
    }

    static let soi: [UInt8] = [0xFF, 0xD8]
    static let app0 = segment(0xE0, Array("JFIF\0".utf8) + [1, 1, 0, 0, 1, 0, 1, 0, 0])
    static let exif = segment(0xE1, Array("Exif\0\0".utf8) + Array(repeating: 0x47, count: 40))
    static let xmp = segment(0xE1, Array("http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>".utf8))
    static let dqt = segment(0xDB, [0] + Array(repeating: 1, count: 64))
    /// Start of scan, entropy-coded data (holding an 0xFF 0xE1 pair, which is not a marker there), end of image.
    static let scan = segment(0xDA, [1, 1, 0, 0, 63, 0]) + [0x12, 0xFF, 0x00, 0xFF, 0xE1, 0x00, 0x34] + [0xFF, 0xD9]

    @Test func removesEveryAPP1SegmentAndKeepsTheRest() {
        let jpeg = Self.soi + Self.app0 + Self.exif + Self.xmp + Self.dqt + Self.scan
        let stripped = JPEGMetadata.strippingAPP1(jpeg)
        #expect(stripped == Self.soi + Self.app0 + Self.dqt + Self.scan)
        #expect(JPEGMetadata.hasAPP1(jpeg))
        #expect(!JPEGMetadata.hasAPP1(stripped))
        #expect(!stripped.containsSubsequence(Array("Exif".utf8)))
    }

    @Test func aJPEGWithoutEXIFIsUnchanged() {
        let jpeg = Self.soi + Self.app0 + Self.dqt + Self.scan
        #expect(JPEGMetadata.strippingAPP1(jpeg) == jpeg)
    }

    @Test func fillBytesBeforeAMarkerAreAllowed() {
        let jpeg = Self.soi + [0xFF] + Self.exif + Self.dqt + Self.scan
        #expect(JPEGMetadata.strippingAPP1(jpeg) == Self.soi + Self.dqt + Self.scan)
    }

    @Test func notAJPEGOrTruncatedComesBackUnchanged() {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0]
        #expect(JPEGMetadata.strippingAPP1(png) == png)
        let truncated = Self.soi + Array(Self.exif.prefix(10))
        #expect(JPEGMetadata.strippingAPP1(truncated) == truncated)
        #expect(JPEGMetadata.strippingAPP1([]) == [])
    }
}

extension Array where Element == UInt8 {
    fileprivate func containsSubsequence(_ needle: [UInt8]) -> Bool {
        guard needle.count <= count else { return false }
        return (0...(count - needle.count)).contains { Array(self[$0..<$0 + needle.count]) == needle }
    }
}
