import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TouchstoneServer

@Suite struct RequestIDMiddlewareTests {
    @Test func suppliedIDIsEchoed() async throws {
        let harness = Harness()
        try await harness.makeApp().test(.router) { client in
            try await client.execute(uri: "/things/1", method: .get, headers: [.requestID: "abc-123_x.y:z"]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.requestID] == "abc-123_x.y:z")
            }
        }
        let access = harness.logs.records.filter { $0.message == "request" }
        #expect(access.count == 1)
        #expect(access.first?.metadata["request_id"]?.description == "abc-123_x.y:z")
    }

    @Test func missingOrInsaneIDIsReplacedByAGeneratedOne() async throws {
        let harness = Harness()
        try await harness.makeApp().test(.router) { client in
            let first = try await client.execute(uri: "/things/1", method: .get) { $0.headers[.requestID] }
            let second = try await client.execute(uri: "/things/1", method: .get, headers: [.requestID: "bad id\u{7}"]) {
                $0.headers[.requestID]
            }
            let generated = try #require(first)
            #expect(RequestIDMiddleware.isSane(generated))
            #expect(second != nil && second != "bad id\u{7}" && second != first)
        }
    }

    @Test func sanity() {
        #expect(RequestIDMiddleware.isSane("0f3c-9a"))
        #expect(!RequestIDMiddleware.isSane(""))
        #expect(!RequestIDMiddleware.isSane(String(repeating: "a", count: 129)))
        #expect(!RequestIDMiddleware.isSane("a b"))
        #expect(!RequestIDMiddleware.isSane("ä"))
    }

    @Test func accessLogHasRouteTemplateAndNoSecrets() async throws {
        let harness = Harness()
        try await harness.makeApp().test(.router) { client in
            _ = try await client.execute(uri: "/things/42", method: .get, headers: [.authorization: "Bearer s3cret-token"])
        }
        let access = try #require(harness.logs.records.first { $0.message == "request" })
        #expect(access.level == .info)
        #expect(access.metadata["http.route"]?.description == "/things/{id}")
        #expect(access.metadata["http.method"]?.description == "GET")
        #expect(access.metadata["http.status"]?.description == "200")
        #expect(access.metadata["duration_ms"] != nil)
        for record in harness.logs.records {
            #expect(!"\(record.message) \(record.metadata)".contains("s3cret"))
            #expect(!"\(record.metadata)".contains("/things/42"))
        }
    }
}
