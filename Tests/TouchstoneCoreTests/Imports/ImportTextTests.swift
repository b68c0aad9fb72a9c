import Testing
import TouchstoneCore

@Suite struct ImportTextTests {
    /// 张伟 in GBK (what Excel on a Chinese Windows saves) is D5 C5 CE B0.
    static let zhangWeiGBK: [UInt8] = [0xD5, 0xC5, 0xCE, 0xB0]

    @Test func utf8IsLeftAlone() throws {
        #expect(try ImportText.utf8(Array("employee_no,name\nE1,张伟\n".utf8)) == nil)
        #expect(try ImportText.utf8([0xEF, 0xBB, 0xBF] + Array("a,b\n".utf8)) == nil)
        #expect(try ImportText.utf8([]) == nil)
    }

    @Test func gbkIsConverted() throws {
        let file = Array("employee_no,name\nE1,".utf8) + Self.zhangWeiGBK + Array("\n".utf8)
        let converted = try #require(try ImportText.utf8(file))
        #expect(String(decoding: converted, as: UTF8.self) == "employee_no,name\nE1,张伟\n")
        // A four-byte GB18030 sequence (U+00A5 ¥ is 81 30 84 36) too.
        #expect(ImportText.fromGB18030([0x81, 0x30, 0x84, 0x36]).map { String(decoding: $0, as: UTF8.self) } == "\u{00A5}")
    }

    @Test func neitherIsRefusedWithTheLineAndHowToSaveAsUTF8() {
        // Line 3 has a lone 0xFF, which is neither UTF-8 nor GB18030.
        let file = Array("a,b\n1,2\nx,".utf8) + [0xFF] + Array("\n".utf8)
        #expect(throws: ImportText.Undecodable(line: 3)) { try ImportText.utf8(file) }
        #expect(ImportText.Undecodable(line: 3).description.contains("CSV UTF-8 (Comma delimited)"))
        // A truncated GBK character at the end of the file.
        #expect(throws: ImportText.Undecodable(line: 1)) { try ImportText.utf8(Array("a,".utf8) + [0xD5]) }
    }

    @Test(
        arguments: [
            ([0x61, 0xC3, 0xA9], nil), ([0xC3], 0), ([0x61, 0xC0, 0x80], 1), ([0xED, 0xA0, 0x80], 0),
            ([0xF0, 0x9F, 0x98, 0x80], nil), ([0xF4, 0x90, 0x80, 0x80], 0), ([0x61, 0xE4, 0xB8], 1),
        ] as [([UInt8], Int?)])
    func findsTheFirstInvalidByte(bytes: [UInt8], offset: Int?) {
        #expect(ImportText.firstInvalidUTF8(bytes) == offset)
        #expect((String(validating: bytes, as: UTF8.self) == nil) == (offset != nil))
    }
}
