import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TouchstoneStore

@Suite("HTTP: templates, OpenAPI, live server")
struct TemplateAPITests {
    @Test func templatesListGetAddAndImmutability() async throws {
        let app = try await TestApp.make()
        try await app.run { api in
            let list = try await api.send(.get, "/api/v1/templates", as: "auditor").json
            let items = list["items"] as? [[String: Any]] ?? []
            #expect(items.map { $0["code"] as? String } == ["demo-visit"])
            #expect(items.first?["audits"] as? Int == 0)

            let template = try await api.send(.get, "/api/v1/templates/demo-visit/1", as: "auditor")
            #expect(template.status == .ok)
            let sections = template.json["sections"] as? [[String: Any]] ?? []
            #expect(sections.map { $0["weight"] as? Int } == [30, 50, 20])
            let s1 = (sections[1]["items"] as? [[String: Any]])?.first
            #expect((s1?["pass"] as? [String: Any])?["max"] as? Int == 60)
            #expect(template.json["disputeDays"] as? Int == 7)
            // What GET returns is a valid template: posted back as version 2, it reads back the same.
            var copy = template.json
            copy["version"] = 2
            let roundTrip = try await api.send(.post, "/api/v1/templates", as: "admin", json: copy)
            #expect(roundTrip.status == .created)
            let second = try await api.send(.get, "/api/v1/templates/demo-visit/2", as: "admin")
            #expect(try second.canonicalJSON(without: "version") == template.canonicalJSON(without: "version"))

            #expect(try await api.send(.get, "/api/v1/templates/demo-visit/9", as: "admin").status == .notFound)
            #expect(try await api.send(.get, "/api/v1/templates/demo-visit/one", as: "admin").status == .badRequest)
            let invalid = try await api.send(.post, "/api/v1/templates", as: "admin", json: ["code": "x", "version": 1, "sections": [["code": "S"]]])
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.problemPaths.contains("sections[0].weight"))

            #expect(try await api.send(.post, "/api/v1/audits", as: "auditor", body: try TestApp.sampleAudit()).status == .created)
            let renamed = try TestApp.template { $0["name"] = "renamed" }
            let immutable = try await api.send(.post, "/api/v1/templates", as: "admin", body: renamed)
            #expect(immutable.status == .conflict)
            #expect(immutable.problem["code"] as? String == "immutable")
        }
    }

    @Test func repostIsUnchangedVersionsAreListedAndAZeroWeightIsRefused() async throws {
        let app = try await TestApp.make()
        let template = try String(contentsOf: TestApp.sample("template-demo-visit.json"), encoding: .utf8)
        try await app.run { api in
            let again = try await api.send(.post, "/api/v1/templates", as: "admin", body: Data(template.utf8))
            #expect(again.status == .ok)
            #expect(again.json["outcome"] as? String == "unchanged")
            let second = template.replacingOccurrences(of: "\"version\": 1", with: "\"version\": 2")
            #expect(try await api.send(.post, "/api/v1/templates", as: "admin", body: Data(second.utf8)).status == .created)
            let broken = template.replacingOccurrences(of: "\"weight\": 30", with: "\"weight\": 0")
            let refused = try await api.send(.post, "/api/v1/templates", as: "admin", body: Data(broken.utf8))
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("sections[0].weight"))
            let versions = (try await api.send(.get, "/api/v1/templates", as: "auditor").json["items"] as? [[String: Any]] ?? [])
                .compactMap { $0["version"] as? Int }
            #expect(versions.sorted() == [1, 2])
            let v2 = try await api.send(.get, "/api/v1/templates/demo-visit/2", as: "auditor")
            #expect(v2.status == .ok)
            #expect((v2.json["sections"] as? [Any])?.count == 3)
            #expect(try await api.send(.get, "/api/v1/templates", as: "e8").status == .forbidden)
        }
    }

    @Test func liveServerUploadsExportsAndServesOpenAPI() async throws {
        let app = try await TestApp.make()
        try await app.run(.live) { api in
            let upload = try await api.send(.post, "/api/v1/audits", as: "auditor", body: try TestApp.sampleAudit())
            #expect(upload.status == .created)
            #expect(upload.json["score"] as? String == "61.98")
            let export = try await api.send(.get, "/api/v1/exports/audits.csv?period=2026-09", as: "admin")
            #expect(export.text == AuditAPITests.expectedExport)
            let openAPI = try await api.send(.get, "/openapi.yaml", as: nil)
            #expect(openAPI.status == .ok)
            #expect(openAPI.headers[.contentType] == "application/yaml; charset=utf-8")
            #expect(openAPI.text.hasPrefix("openapi: 3.1"))
            #expect(try await api.send(.get, "/api/v1/audits", as: nil).status == .unauthorized)
            #expect(try await api.send(.get, "/health/live", as: nil).status == .ok)
        }
    }
}
