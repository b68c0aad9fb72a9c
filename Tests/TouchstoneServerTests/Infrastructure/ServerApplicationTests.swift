import Hummingbird
import HummingbirdTesting
import Logging
import ServiceLifecycle
import Testing
import TouchstoneServer

@Suite struct ServerApplicationTests {
    @Test func liveServerAnswersProblemsAndLimits() async throws {
        let harness = Harness()
        let app = harness.makeApp(configuration: .init(maxBodySize: 64))
        try await app.test(.live) { client in
            try await client.execute(uri: "/health/live", method: .get, headers: [.requestID: "live-1"]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.requestID] == "live-1")
            }
            try await client.execute(uri: "/echo", method: .post, body: ByteBuffer(repeating: 0x20, count: 10_000)) { response in
                #expect(response.status == .contentTooLarge)
                let error = try #require(try response.body.jsonObject["error"] as? [String: Any])
                #expect(error["code"] as? String == "payload_too_large")
            }
            try await client.execute(uri: "/fail/unknown", method: .get) { response in
                #expect(response.status == .internalServerError)
                #expect(!String(buffer: response.body).contains("hunter2"))
            }
        }
    }

    @Test func gracefulShutdownDrainsThenStops() async throws {
        let harness = Harness()
        let app = harness.makeApp(configuration: .init(host: "127.0.0.1", port: 0, drainDelay: .milliseconds(50)))
        let group = ServiceGroup(configuration: .init(services: [app], logger: harness.logs.logger(level: .critical)))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await Task.sleep(for: .milliseconds(300))
            #expect(!harness.drain.isDraining)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(harness.drain.isDraining)
    }

    @Test func drainServiceFlipsTheFlagOnGracefulShutdown() async throws {
        let drain = DrainState()
        let service = DrainService(state: drain, delay: .zero, logger: Logger(label: "test"))
        let group = ServiceGroup(configuration: .init(services: [service], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await Task.sleep(for: .milliseconds(50))
            #expect(!drain.isDraining)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(drain.isDraining)
    }
}
