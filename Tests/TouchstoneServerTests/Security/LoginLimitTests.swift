import Foundation
import Testing

@testable import TouchstoneServer

/// The failed-login counters and the bound on concurrent bcrypt work, on their own.
@Suite struct LoginLimitTests {
    static let limits = LoginLimits(
        perAccount: .init(failures: 3, window: .seconds(60)),
        perAddress: .init(failures: 5, window: .seconds(60)),
        overall: .init(failures: 8, window: .seconds(60)))

    @Test func accountAddressAndOverallLimits() async {
        let throttle = LoginThrottle(limits: Self.limits)
        for _ in 0..<3 { await throttle.recordFailure(tenant: "t", login: "a", address: "10.0.0.1") }
        #expect(await throttle.refusal(tenant: "t", login: "a", address: "10.0.0.9").map { if case .account = $0 { true } else { false } } == true)
        #expect(await throttle.refusal(tenant: "t", login: "b", address: "10.0.0.1") == nil)
        for index in 0..<2 { await throttle.recordFailure(tenant: "t", login: "x\(index)", address: "10.0.0.1") }
        let address = await throttle.refusal(tenant: "t", login: "b", address: "10.0.0.1")
        #expect(address.map { if case .busy = $0 { true } else { false } } == true)
        #expect((1...60).contains(address?.retryAfter ?? 0))
        #expect(await throttle.refusal(tenant: "t", login: "b", address: "10.0.0.2") == nil)
        for index in 0..<3 { await throttle.recordFailure(tenant: "t", login: "y\(index)", address: "10.0.1.\(index)") }
        #expect(await throttle.refusal(tenant: "t", login: "b", address: "10.0.2.1").map { if case .busy = $0 { true } else { false } } == true)
    }

    @Test func aSuccessClearsOnlyTheAccount() async {
        let throttle = LoginThrottle(limits: Self.limits)
        for _ in 0..<3 { await throttle.recordFailure(tenant: "t", login: "a", address: "10.0.0.1") }
        await throttle.recordSuccess(tenant: "t", login: "a")
        #expect(await throttle.refusal(tenant: "t", login: "a", address: "10.0.0.1") == nil)
        for index in 0..<2 { await throttle.recordFailure(tenant: "t", login: "x\(index)", address: "10.0.0.1") }
        #expect(await throttle.refusal(tenant: "t", login: "a", address: "10.0.0.1") != nil)
    }

    @Test func concurrencyLimitBoundsRunningBodiesAndRefusesBeyondTheLine() async throws {
        let limit = ConcurrencyLimit(limit: 2, maxWaiting: 100)
        let gauge = Gauge()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<12 {
                group.addTask {
                    try await limit.run {
                        await gauge.enter()
                        try await Task.sleep(for: .milliseconds(20))
                        await gauge.leave()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(await gauge.peak == 2)

        let single = ConcurrencyLimit(limit: 1, maxWaiting: 0)
        let holding = Task { try await single.run { try await Task.sleep(for: .milliseconds(300)) } }
        try await Task.sleep(for: .milliseconds(50))
        await #expect(throws: ConcurrencyLimit.Full.self) { try await single.run { 1 } }
        try await holding.value
        #expect(try await single.run { 2 } == 2)
    }

    actor Gauge {
        private(set) var peak = 0
        private var now = 0
        func enter() {
            now += 1
            peak = max(peak, now)
        }
        func leave() { now -= 1 }
    }
}
