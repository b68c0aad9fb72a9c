import Testing
import TouchstoneCore

@Suite struct LocalRedirectTests {
    @Test(arguments: [
        "/", "/overview", "/league?period=2026-09&kpi=MS", "/staff/E8?period=2026-09", "/league?region=%E5%8D%8E%E4%B8%9C%2F%E4%B8%8A%E6%B5%B7",
    ])
    func localPathsAreKept(_ next: String) {
        #expect(LocalRedirect.target(next) == next)
    }

    @Test(arguments: [
        "", "overview", "//evil.example", "///evil.example", "/\\evil.example", "/\\/evil.example", "\\\\evil.example",
        "/\t/evil.example", "\t//evil.example", "/\r\n/evil.example", " /overview", "/over view",
        "/%09/evil.example", "/%2F/evil.example", "/%2f/evil.example", "/%5C/evil.example", "/%5cevil.example",
        "%2F%2Fevil.example", "/%252F/evil.example", "/%25252F/evil.example", "/overview?x=%5C", "/%", "/%zz",
        "https://evil.example", "javascript:alert(1)", "/\u{0}x", "/\u{7F}x", "/\u{2028}/evil.example",
    ])
    func othersFallBackToRoot(_ next: String) {
        #expect(LocalRedirect.target(next) == "/")
    }

    @Test func missingFallsBackToRoot() {
        #expect(LocalRedirect.target(nil) == "/")
    }
}
