import Foundation
import Testing

@testable import TouchstoneServer

/// Every label exists in every language, and every label a template uses is in the catalogues.
@Suite("Pages: localization catalogues") struct CatalogueTests {
    @Test func bothCataloguesHaveTheSameKeys() throws {
        let catalogue = try Catalogue.bundled()
        let english = Set(catalogue[.en].keys)
        let chinese = Set(catalogue[.zhCN].keys)
        #expect(english.count > 50)
        #expect(english.subtracting(chinese) == [], "missing in zh-CN")
        #expect(chinese.subtracting(english) == [], "missing in en")
        #expect(catalogue[.zhCN].values.allSatisfy { !$0.isEmpty })
    }

    @Test func everyLabelATemplateUsesExists() throws {
        let keys = Set(try Catalogue.bundled()[.en].keys)
        let directory = try PageRenderer.templatesDirectory()
        var used: Set<String> = []
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) where file.hasSuffix(".mustache") {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            let pattern = try NSRegularExpression(pattern: #"\{\{[#^/]?t\.([a-z_]+)"#)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                used.insert(String(text[Range(match.range(at: 1), in: text)!]))
            }
        }
        #expect(used.count > 50)
        #expect(used.subtracting(keys) == [])
    }
}
