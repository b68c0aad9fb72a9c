import Foundation
import Testing
import TouchstoneCore

@Suite struct WhitespaceTests {
    /// The import trims cells as `CharacterSet.whitespaces` does: tabs and Unicode space separators, not line breaks.
    @Test(arguments: [
        ("", ""), ("   ", ""), ("a", "a"), (" a b ", "a b"), ("\tE7\t", "E7"), ("\u{3000}王芳\u{3000}", "王芳"),
        ("\u{00A0}x\u{2009}", "x"), ("\nx\n", "\nx\n"), (" 上海 浦东 ", "上海 浦东"), ("é ", "é"),
    ])
    func trimsAsFoundationDoes(text: String, trimmed: String) {
        #expect(text.trimmingLineWhitespace == trimmed)
        #expect(text.trimmingLineWhitespace == text.trimmingCharacters(in: .whitespaces))
        #expect(text[...].trimmingLineWhitespace == trimmed)
    }
}
