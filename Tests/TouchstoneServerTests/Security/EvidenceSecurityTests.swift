import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TouchstoneStore

/// The security review's evidence findings: what types may be uploaded, how evidence is served,
/// and how many transfers run at once.
@Suite("HTTP: evidence types, serving headers, transfer caps")
struct EvidenceSecurityTests {
    static func attachment(_ name: String, _ contentType: String) -> [String: Any] {
        ["item": "P1", "name": name, "sha256": TestApp.testSHA, "contentType": contentType, "size": 4]
    }

    static func document(id: String = UUID().uuidString.lowercased(), attachments: [[String: Any]]) throws -> Data {
        try TestApp.sampleAudit { document in
            document["id"] = id
            document["attachments"] = attachments
        }
    }

    @Test func uploadRefusesHTMLAndSVGEvidenceNamingTheAttachment() async throws {
        let app = try await TestApp.make()
        try await app.run { api in
            let body = try Self.document(attachments: [
                Self.attachment("front.jpg", "image/jpeg"), Self.attachment("x.html", "text/html"),
                Self.attachment("x.svg", "image/svg+xml"),
            ])
            let refused = try await api.send(.post, "/api/v1/audits", as: "auditor", body: body)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.problemPaths == ["attachments[1].contentType", "attachments[2].contentType"])
            let batch = try await api.send(
                .post, "/api/v1/audits/batch", as: "auditor",
                body: Data("[".utf8) + body + Data("]".utf8))
            let result = (batch.json["results"] as? [[String: Any]])?.first
            #expect(result?["status"] as? Int == 422)
        }
    }

    @Test func evidenceIsServedSandboxedAndOnlyImagesInline() async throws {
        let app = try await TestApp.make()
        try await app.run { api in
            let id = UUID().uuidString.lowercased()
            let body = try Self.document(
                id: id, attachments: [Self.attachment("front.jpg", "image/jpeg"), Self.attachment("r.pdf", "application/pdf")])
            #expect(try await api.send(.post, "/api/v1/audits", as: "auditor", body: body).status == .created)
            for (name, type) in [("front.jpg", "image/jpeg"), ("r.pdf", "application/pdf")] {
                let put = try await api.send(
                    .put, "/api/v1/audits/\(id)/attachments/P1/\(name)", as: "auditor",
                    body: Data("test".utf8), headers: [.contentType: type])
                #expect(put.status == .ok)
            }
            let image = try await api.send(.get, "/api/v1/audits/\(id)/attachments/P1/front.jpg", as: "admin")
            #expect(image.status == .ok && image.text == "test")
            #expect(image.headers[.contentType] == "image/jpeg")
            #expect(image.headers[.contentSecurityPolicy] == "sandbox; default-src 'none'")
            #expect(image.headers[.xContentTypeOptions] == "nosniff")
            #expect(image.headers[.contentDisposition] == nil)
            let pdf = try await api.send(.get, "/api/v1/audits/\(id)/attachments/P1/r.pdf", as: "admin")
            #expect(pdf.status == .ok && pdf.text == "test")
            #expect(pdf.headers[.contentSecurityPolicy] == "sandbox; default-src 'none'")
            #expect(pdf.headers[.xContentTypeOptions] == "nosniff")
            #expect(pdf.headers[.contentDisposition]?.hasPrefix("attachment") == true)
            #expect(try await api.send(.get, "/api/v1/audits/\(id)/attachments/P1/r.pdf", as: "auditor2").status == .notFound)
        }
    }

    @Test func evidencePageRouteIsSandboxedToo() async throws {
        let fixture = try await PageFixture.make()
        _ = try await AuditQueries.attach(
            tenant: fixture.app.tenant, auditID: TestApp.sampleID, item: "P1", name: "front.jpg", bytes: Data("test".utf8),
            maxSize: 1024, actor: "auditor", database: fixture.app.database)
        try await fixture.app.application.test(.router) { client in
            let admin = try #require(try await PageClient.login(client, "admin"))
            let image = try await admin.get("/audits/\(TestApp.sampleID)/evidence/P1/front.jpg")
            #expect(image.status == .ok && image.text == "test")
            #expect(image.headers[.contentSecurityPolicy] == "sandbox; default-src 'none'")
            #expect(image.headers[.xContentTypeOptions] == "nosniff")
        }
    }

    @Test func concurrentEvidenceTransfersAreCappedPerToken() async throws {
        let app = try await TestApp.make()
        try await app.run(.live) { api in
            let id = UUID().uuidString.lowercased()
            let body = try Self.document(
                id: id,
                attachments: [
                    Self.attachment("a.jpg", "image/jpeg"), Self.attachment("b.jpg", "image/jpeg"),
                    Self.attachment("c.jpg", "image/jpeg"),
                ])
            #expect(try await api.send(.post, "/api/v1/audits", as: "auditor", body: body).status == .created)
            let port = try #require(api.client.port)
            // One at a time, each given time to reach the server before anything else is sent: a
            // probe that overtook the second would take its place and leave it refused.
            var stalled: [StalledUpload] = []
            defer { for upload in stalled { upload.close() } }
            for name in ["a.jpg", "b.jpg"] {
                stalled.append(
                    try StalledUpload(
                        port: port, path: "/api/v1/audits/\(id)/attachments/P1/\(name)", token: app.tokens["auditor"]!, declaredLength: 4))
                try await Task.sleep(for: .milliseconds(500))
            }
            var third: TestResponse?
            for _ in 0..<50 {
                let response = try await api.send(
                    .put, "/api/v1/audits/\(id)/attachments/P1/c.jpg", as: "auditor",
                    body: Data("test".utf8), headers: [.contentType: "image/jpeg"])
                third = response
                if response.status == .tooManyRequests { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(third?.status == .tooManyRequests)
            #expect(third?.headers[.retryAfter] != nil)
        }
    }
}
