import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TouchstoneServer

@Suite struct HealthControllerTests {
    @Test func liveIsAlways200() async throws {
        let harness = Harness()
        harness.readiness.set(.notReady("database unreachable"))
        harness.drain.beginDraining()
        try await harness.makeApp().test(.router) { client in
            try await client.execute(uri: "/health/live", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"status":"live"}"#)
            }
        }
    }

    @Test func readyFollowsTheCheckAndTheDrainFlag() async throws {
        let harness = Harness()
        try await harness.makeApp().test(.router) { client in
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .ok)
                let body = try response.body.jsonObject
                #expect(body["status"] as? String == "ready")
            }

            harness.readiness.set(.notReady("database unreachable", "migrations pending: 0007"))
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let body = try response.body.jsonObject
                #expect(body["status"] as? String == "not_ready")
                #expect(body["reasons"] as? [String] == ["database unreachable", "migrations pending: 0007"])
            }

            harness.readiness.set(.ready)
            harness.drain.beginDraining()
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let body = try response.body.jsonObject
                #expect(body["status"] as? String == "draining")
            }
        }
    }

    @Test func probesAreLoggedAtDebugOnly() async throws {
        let harness = Harness()
        try await harness.makeApp().test(.router) { client in
            _ = try await client.execute(uri: "/health/live", method: .get)
        }
        let access = try #require(harness.logs.records.first { $0.message == "request" })
        #expect(access.level == .debug)
    }
}
