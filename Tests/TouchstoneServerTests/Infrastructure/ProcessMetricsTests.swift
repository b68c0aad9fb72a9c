import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import TouchstoneServer

@Suite struct ProcessMetricsTests {
    /// The value of the sample line that starts with `prefix` (name and labels), if any.
    static func value(_ text: String, _ prefix: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(prefix + " ") }.flatMap { Double($0.split(separator: " ").last!) }
    }

    @Test func theRealAppServesBuildInfoAndProcessMetrics() async throws {
        let app = try await TestApp.make()
        let now = Date().timeIntervalSince1970
        try await app.run { api in
            let response = try await api.send(.get, "/metrics", as: nil)
            #expect(response.status == .ok)
            let text = response.text
            #expect(Self.value(text, #"touchstone_build_info{version="\#(BuildInfo.version)",swift="\#(BuildInfo.swiftVersion)"}"#) == 1)
            #expect(text.contains("# TYPE touchstone_build_info gauge"))
            #expect(text.contains("# TYPE process_cpu_seconds_total counter"))
            let resident = try #require(Self.value(text, "process_resident_memory_bytes"))
            #expect(resident > 4_000_000 && resident < 16_000_000_000)
            let descriptors = try #require(Self.value(text, "process_open_fds"))
            #expect(descriptors >= 3 && descriptors < 65_536)
            let start = try #require(Self.value(text, "process_start_time_seconds"))
            #expect(start > now - 86_400 && start <= now + 1)
            let cpu = try #require(Self.value(text, "process_cpu_seconds_total"))
            #expect(cpu > 0)
        }
    }

    @Test func statFieldsAreCountedAfterTheCommandName() throws {
        // Fields 14, 15 and 22 (utime, stime, starttime); the name holds spaces and a parenthesis.
        let line = "4242 (touch (stone) x) S 1 4242 4242 0 -1 4194560 900 0 0 0 250 75 0 0 20 0 9 0 123456 1000000 2000 18446744073709551615"
        let fields = try #require(ProcessStatistics.StatFields(line))
        #expect(fields.userTicks == 250)
        #expect(fields.systemTicks == 75)
        #expect(fields.startTicks == 123_456)
        #expect(ProcessStatistics.StatFields("no parenthesis") == nil)
        #expect(ProcessStatistics.bootTime("cpu  1 2 3\nbtime 1764460800\nprocesses 9\n") == 1_764_460_800)
    }

    @Test func cpuSecondsOnlyGoUpByWhatIsNew() {
        let ledger = CPUSecondsLedger()
        let id = ObjectIdentifier(ledger)
        #expect(ledger.advance(id, to: 1.5) == 1.5)
        #expect(ledger.advance(id, to: 2.0) == 0.5)
        #expect(ledger.advance(id, to: 1.0) == 0)
    }
}
