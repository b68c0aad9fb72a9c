import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOFoundationCompat
import Testing
import TouchstoneCore
import TouchstoneServer
import TouchstoneStore

/// The field form (`/field/…`): an auditor's own visits and the form of one, our scripts, the
/// API through the page session (cookie + CSRF header), photo capture metadata, and JPEGs
/// served without EXIF.
@Suite("Pages: the field form")
struct FieldPageTests {
    /// The test app with visits F1 (O1) and F2 (O2) for `auditor`, F3 (O1) for `auditor2`, and page passwords.
    static func make() async throws -> TestApp {
        let app = try await TestApp.make()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("visits-\(UUID().uuidString).csv")
        try """
        visit_id,outlet_code,template,template_version,window_from,window_to,auditor
        F1,O1,demo-visit,1,2026-09-10,2026-09-20,auditor
        F2,O2,demo-visit,1,2026-09-10,2026-09-20,auditor
        F3,O1,demo-visit,1,2026-09-10,2026-09-20,auditor2

        """.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(try await importCSV(.visits, file: file, tenant: app.tenant, database: app.database).inserted == 3)
        for login in ["auditor", "auditor2", "admin"] {
            try await SessionQueries.setPasswordHash(
                tenant: app.tenant, login: login, hash: PageFixture.passwordHash(login), database: app.database)
        }
        return app
    }

    /// A JPEG with an APP0, an EXIF APP1 holding "GPS" bytes, and a tiny scan.
    static let jpegWithEXIF: Data = {
        func segment(_ marker: UInt8, _ payload: [UInt8]) -> [UInt8] {
            [0xFF, marker, UInt8((payload.count + 2) >> 8), UInt8((payload.count + 2) & 0xFF)] + payload
        }
        let bytes: [UInt8] =
            [0xFF, 0xD8] + segment(0xE0, Array("JFIF\0".utf8) + [1, 1, 0, 0, 1, 0, 1, 0, 0])
            + segment(0xE1, Array("Exif\0\0GPS-31.2304,121.4737".utf8)) + segment(0xDA, [1, 1, 0, 0, 63, 0]) + [0x12, 0x34, 0xFF, 0xD9]
        return Data(bytes)
    }()

    static func sha256(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }

    @Test func anAuditorSeesOwnVisitsAndTheFormOfEach() async throws {
        let app = try await Self.make()
        try await app.application.test(.router) { client in
            let auditor = try #require(try await PageClient.login(client, "auditor"))
            // The overview sends an auditor to the field form.
            #expect(try await auditor.get("/overview").headers[.location] == "/field/visits")
            let list = try await auditor.get("/field/visits")
            #expect(list.status == .ok)
            #expect(list.text.contains(#"data-visit="F1""#) && list.text.contains(#"data-visit="F2""#))
            #expect(!list.text.contains(#"data-visit="F3""#))
            #expect(list.text.contains(#"<script src="/field/app.js" defer></script>"#))
            #expect(list.headers[.contentSecurityPolicy]?.hasPrefix("default-src 'self';") == true)
            #expect(list.headers[.contentSecurityPolicy]?.contains("unsafe-eval") == false)

            let form = try await auditor.get("/field/visits/F1")
            #expect(form.status == .ok)
            for item in ["A1", "A2", "A3", "P1", "S1", "S3", "C2"] { #expect(form.text.contains(#"data-item="\#(item)""#), "\(item)") }
            #expect(form.text.contains(#"type="file" accept="image/*" capture="environment" name="P1""#))
            // N/A only where the template allows it: A3 (yes/no) has it, A1 does not.
            #expect(form.text.contains(#"name="A3" value="na""#))
            #expect(!form.text.contains(#"name="A1" value="na""#))
            #expect(form.text.contains(#"data-photo-max-edge="1600""#))
            #expect(form.text.contains(#"id="running-score""#))

            _ = try await FieldSettingsQueries.set(
                tenant: app.tenant, settings: FieldSettingsQueries.Settings(photoMaxEdge: 1024), database: app.database)
            #expect(try await auditor.get("/field/visits/F1").text.contains(#"data-photo-max-edge="1024""#))
            // Another auditor's visit, or none, is unknown.
            #expect(try await auditor.get("/field/visits/F3").status == .notFound)
            #expect(try await auditor.get("/field/visits/NOPE").status == .notFound)

            // Head office has no field form, and its pages load no script.
            let admin = try #require(try await PageClient.login(client, "admin"))
            #expect(try await admin.get("/field/visits").status == .forbidden)
            #expect(!(try await admin.get("/overview").text.contains("<script")))

            let script = try await client.executeRequest(uri: "/field/app.js", method: .get, headers: [:], body: nil)
            #expect(script.status == .ok && script.headers[.contentType] == "text/javascript; charset=utf-8")
            #expect(script.text.contains("X-CSRF-Token"))
            let worker = try await client.executeRequest(uri: "/field/sw.js", method: .get, headers: [:], body: nil)
            #expect(worker.status == .ok && worker.headers[HTTPField.Name("Service-Worker-Allowed")!] == "/field/")
        }
    }

    @Test func theFormSendsThroughTheAPIWithThePageSessionAndItsCSRFHeader() async throws {
        let app = try await Self.make()
        let photo = Self.jpegWithEXIF
        let id = UUID().uuidString.lowercased()
        let document = try TestApp.sampleAudit { document in
            document["id"] = id
            document["auditor"] = "auditor"
            document["visit"] = "F1"
            document["attachments"] = [
                [
                    "item": "P1", "name": "P1-1.jpg", "sha256": Self.sha256(photo), "contentType": "image/jpeg", "size": photo.count,
                    "captured": ["at": "2026-09-14T10:21:07+08:00", "position": ["latitude": 31.2304, "longitude": 121.4737]],
                ] as [String: Any]
            ]
        }
        try await app.application.test(.router) { client in
            let auditor = try #require(try await PageClient.login(client, "auditor"))
            let csrf = try #require(PageClient.csrf(in: try await auditor.get("/field/visits").text))
            func post(_ headers: HTTPFields) async throws -> TestResponse {
                var headers = headers
                headers[.contentType] = "application/json"
                return try await client.executeRequest(uri: "/api/v1/audits", method: .post, headers: headers, body: ByteBuffer(data: document))
            }
            // The cookie alone, or with a wrong token, is not enough; a token without the cookie neither.
            #expect(try await post([.cookie: auditor.cookie]).status == .unauthorized)
            #expect(try await post([.cookie: auditor.cookie, TokenAuthHeader.csrf: String(repeating: "0", count: 64)]).status == .unauthorized)
            #expect(try await post([TokenAuthHeader.csrf: csrf]).status == .unauthorized)
            let sent = try await post([.cookie: auditor.cookie, TokenAuthHeader.csrf: csrf])
            #expect(sent.status == .created, "\(sent.text)")
            // The same document again (a retry, a second phone replaying its queue) stores nothing new.
            #expect(try await post([.cookie: auditor.cookie, TokenAuthHeader.csrf: csrf]).status == .ok)

            let put = try await client.executeRequest(
                uri: "/api/v1/audits/\(id)/attachments/P1/P1-1.jpg", method: .put,
                headers: [.cookie: auditor.cookie, TokenAuthHeader.csrf: csrf, .contentType: "image/jpeg"], body: ByteBuffer(data: photo))
            #expect(put.status == .ok, "\(put.text)")
            // The reviewer sees where and when the photo was taken on the audit page.
            let admin = try #require(try await PageClient.login(client, "admin"))
            let page = try await admin.get("/audits/\(id)")
            #expect(page.text.contains("P1-1.jpg: 2026-09-14T10:21:07+08:00 · 31.2304, 121.4737"), "\(page.text)")
        }
        try await app.run { api in
            let record = try await api.send(.get, "/api/v1/audits/\(id)", as: "admin")
            let attachment = try #require((record.json["attachments"] as? [[String: Any]])?.first)
            #expect(attachment["received"] as? Bool == true)
            #expect(attachment["sha256"] as? String == Self.sha256(photo))
            let captured = try #require(attachment["captured"] as? [String: Any])
            #expect(captured["at"] as? String == "2026-09-14T10:21:07+08:00")
            #expect((captured["position"] as? [String: Any])?["latitude"] as? Double == 31.2304)

            // Served without its EXIF segment; everything else byte for byte.
            let served = try await api.send(.get, "/api/v1/audits/\(id)/attachments/P1/P1-1.jpg", as: "admin")
            #expect(served.status == .ok)
            #expect(served.headers[.contentSecurityPolicy] == "sandbox; default-src 'none'")
            let bytes = Data(served.body.readableBytesView)
            #expect(bytes == Data(JPEGMetadata.strippingAPP1(Array(photo))))
            #expect(bytes.count < photo.count && bytes.range(of: Data("Exif".utf8)) == nil && bytes.starts(with: [0xFF, 0xD8, 0xFF, 0xE0]))
            // Within the caller's scope: the auditor downloads its own evidence, another auditor cannot.
            #expect(try await api.send(.get, "/api/v1/audits/\(id)/attachments/P1/P1-1.jpg", as: "auditor").status == .ok)
            #expect(try await api.send(.get, "/api/v1/audits/\(id)/attachments/P1/P1-1.jpg", as: "auditor2").status == .notFound)
        }
    }
}

/// The header the field form sends its page session's CSRF token in.
enum TokenAuthHeader {
    static let csrf = HTTPField.Name("X-CSRF-Token")!
}
