import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TouchstoneServer

@Suite struct ProblemMiddlewareTests {
    @Test func problemConvertibleIsRenderedWithDetailsAndRequestID() async throws {
        let harness = Harness()
        try await harness.makeApp().test(.router) { client in
            try await client.execute(uri: "/fail/validation", method: .get, headers: [.requestID: "req-1"]) { response in
                #expect(response.status == .unprocessableContent)
                #expect(response.headers[.contentType] == "application/json")
                let error = try #require(try response.body.jsonObject["error"] as? [String: Any])
                #expect(error["code"] as? String == "validation_failed")
                #expect(error["message"] as? String == "Validation failed.")
                #expect(error["requestId"] as? String == "req-1")
                let details = try #require(error["details"] as? [[String: String]])
                #expect(
                    details == [
                        ["path": "sections[0].weight", "message": "must be positive"],
                        ["path": "answers.S1", "message": "unknown item"],
                    ])
            }
            try await client.execute(uri: "/fail/convertible", method: .get) { response in
                #expect(response.status == .notFound)
                let error = try #require(try response.body.jsonObject["error"] as? [String: Any])
                #expect(error["code"] as? String == "not_found")
                #expect(error["message"] as? String == "Outlet S001 not found.")
                #expect(error["requestId"] as? String == response.headers[.requestID])
            }
        }
    }

    @Test func httpErrorKeepsStatusWithCodeFromStatus() async throws {
        let harness = Harness()
        try await harness.makeApp().test(.router) { client in
            try await client.execute(uri: "/fail/http", method: .get) { response in
                #expect(response.status == .conflict)
                #expect(response.headers[.contentType] == "application/json")
                let error = try #require(try response.body.jsonObject["error"] as? [String: Any])
                #expect(error["code"] as? String == "conflict")
                #expect(error["message"] as? String == "Audit already reviewed.")
                #expect((error["details"] as? [Any])?.isEmpty == true)
                #expect(error["requestId"] as? String == response.headers[.requestID])
            }
            try await client.execute(uri: "/no/such/route", method: .get) { response in
                #expect(response.status == .notFound)
                let error = try #require(try response.body.jsonObject["error"] as? [String: Any])
                #expect(error["code"] as? String == "not_found")
            }
        }
    }

    @Test func unknownErrorIsGeneric500AndLoggedInFull() async throws {
        let harness = Harness()
        try await harness.makeApp().test(.router) { client in
            try await client.execute(uri: "/fail/unknown", method: .get, headers: [.requestID: "req-500"]) { response in
                #expect(response.status == .internalServerError)
                let text = String(buffer: response.body)
                #expect(!text.contains("hunter2"))
                #expect(!text.contains("SecretFailure"))
                #expect(!text.contains("SELECT"))
                let error = try #require(try response.body.jsonObject["error"] as? [String: Any])
                #expect(error["code"] as? String == "internal_error")
                #expect(error["message"] as? String == "Internal server error.")
                #expect(error["requestId"] as? String == "req-500")
            }
        }
        let logged = harness.logs.records.filter { $0.level == .error }
        #expect(logged.count == 1)
        #expect(logged.first?.metadata["error"]?.description.contains("hunter2") == true)
        #expect(logged.first?.metadata["request_id"]?.description == "req-500")
    }

    @Test func unavailableIs503WithRetryAfter() async throws {
        let harness = Harness()
        try await harness.makeApp().test(.router) { client in
            try await client.execute(uri: "/fail/unavailable", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.retryAfter] == "1")
                let error = try #require(try response.body.jsonObject["error"] as? [String: Any])
                #expect(error["code"] as? String == "unavailable")
            }
        }
    }

    @Test func problemEncodesWithoutStatusOrHeaders() throws {
        let problem = APIProblem.periodClosed("2025-03")
        let json = try #require(String(data: JSONEncoder().encode(problem), encoding: .utf8))
        #expect(json.contains(#""code":"period_closed""#))
        #expect(!json.contains("status"))
        #expect(problem.status == .conflict)
    }

    @Test(arguments: [
        (400, "bad_request"), (404, "not_found"), (413, "payload_too_large"), (422, "validation_failed"), (503, "unavailable"), (418, "http_418"),
    ])
    func codeForStatus(status: Int, code: String) {
        #expect(APIProblem.code(for: .init(code: status)) == code)
    }
}
