import Foundation
import Testing
import TouchstoneCore
import TouchstoneStore
import TouchstoneTestSupport

/// `touchstone import audits` refuses evidence types a browser could run (HTML, SVG).
@Suite struct AuditEvidenceTypeImportTests {
    @Test func importRefusesScriptableEvidenceTypesNamingLineAndPath() async throws {
        let f = try await AuditFixture.make()
        let good = String(decoding: try AuditFixture.document(), as: UTF8.self)
        let svg = String(
            decoding: try AuditFixture.document(attachments: [
                ["item": "P1", "name": "front.jpg", "sha256": AuditFixture.testSHA, "contentType": "image/jpeg"],
                ["item": "P1", "name": "x.svg", "sha256": AuditFixture.testSHA, "contentType": "image/svg+xml"],
            ]), as: UTF8.self)
        let html = String(
            decoding: try AuditFixture.document(attachments: [
                ["item": "P1", "name": "x.html", "sha256": AuditFixture.testSHA, "contentType": "text/html"]
            ]), as: UTF8.self)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("audits-\(UUID()).jsonl")
        try [good, svg, html].joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        await #expect {
            try await AuditImport.run(tenant: f.tenant, file: file, submittedBy: "cli", now: AuditFixture.now, database: f.database)
        } throws: { error in
            guard case StoreError.invalid(let problems) = error else { return false }
            return problems.map(\.path) == ["line 2: attachments[1].contentType", "line 3: attachments[0].contentType"]
        }
        #expect(try await AuditQueries.list(tenant: f.tenant, database: f.database).items.isEmpty)
    }
}
