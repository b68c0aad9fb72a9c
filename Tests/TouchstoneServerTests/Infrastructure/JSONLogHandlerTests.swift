import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TouchstoneServer

/// Lines a ``JSONLogHandler`` wrote.
final class LineSink: @unchecked Sendable {
    // Invariant: `storage` is only touched while holding `lock`.
    private let lock = NSLock()
    private var storage: [String] = []

    var lines: [String] { self.lock.withLock { self.storage } }

    func append(_ line: String) { self.lock.withLock { self.storage.append(line) } }

    /// A logger writing JSON lines here at a fixed time (2023-11-14T22:13:20.042Z).
    func logger(label: String = "touchstone.test", level: Logger.Level = .info) -> Logger {
        var logger = Logger(label: label) { label in
            JSONLogHandler(label: label, clock: { LogTimestamp(seconds: 1_700_000_000, milliseconds: 42) }, sink: self.append)
        }
        logger.logLevel = level
        return logger
    }

    /// Each line parsed as a JSON object.
    var objects: [[String: Any]] {
        self.lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }
}

@Suite struct JSONLogHandlerTests {
    @Test func oneObjectALineWithTheFieldsInOrder() {
        let sink = LineSink()
        sink.logger().info("batch done", metadata: ["period": "2026-10"])
        #expect(
            sink.lines == [
                #"{"timestamp":"2023-11-14T22:13:20.042Z","level":"info","label":"touchstone.test","message":"batch done","metadata":{"period":"2026-10"}}"#
                    + "\n"
            ])
    }

    @Test func escapesQuotesBackslashesAndControlCharactersButKeepsUnicode() throws {
        let sink = LineSink()
        sink.logger(label: "a\"b").warning("line 1\nline 2\t\"quoted\" back\\slash \u{1}\u{1f} 门店 ✓", metadata: ["k\"ey": "v\r\n"])
        let line = try #require(sink.lines.first)
        #expect(line.hasSuffix("}\n"))
        #expect(line.dropLast().contains("\n") == false)
        #expect(line.contains(#""message":"line 1\nline 2\t\"quoted\" back\\slash \u0001\u001f 门店 ✓""#))
        #expect(line.contains(#""label":"a\"b""#))
        #expect(line.contains(#""metadata":{"k\"ey":"v\r\n"}"#))
        let object = try #require(sink.objects.first)
        #expect(object["message"] as? String == "line 1\nline 2\t\"quoted\" back\\slash \u{1}\u{1f} 门店 ✓")
        #expect(object["level"] as? String == "warning")
        #expect((object["metadata"] as? [String: String])?["k\"ey"] == "v\r\n")
    }

    @Test func metadataMergesHandlerProviderAndRecordWithNestedValues() throws {
        let sink = LineSink()
        var logger = Logger(label: "t") { label in
            JSONLogHandler(
                label: label, metadataProvider: Logger.MetadataProvider { ["provided": "p", "shared": "provider"] },
                clock: { LogTimestamp(seconds: 0, milliseconds: 0) }, sink: sink.append)
        }
        logger[metadataKey: "request_id"] = "r-1"
        logger[metadataKey: "shared"] = "handler"
        logger.error("failed", metadata: ["n": .stringConvertible(42), "list": ["a", "b"], "map": ["z": "1", "a": ["x"]]])
        #expect(
            sink.lines == [
                #"{"timestamp":"1970-01-01T00:00:00.000Z","level":"error","label":"t","message":"failed","metadata":{"#
                    + #""list":["a","b"],"map":{"a":["x"],"z":"1"},"n":"42","provided":"p","request_id":"r-1","shared":"handler"}}"# + "\n"
            ])
    }

    @Test func levelBelowTheLoggersIsNotWritten() {
        let sink = LineSink()
        let logger = sink.logger(level: .notice)
        logger.info("quiet")
        logger.notice("loud")
        #expect(sink.objects.map { $0["message"] as? String } == ["loud"])
    }

    @Test func timestampsAreRFC3339InUTC() {
        #expect(LogTimestamp(seconds: 0, milliseconds: 0).rfc3339 == "1970-01-01T00:00:00.000Z")
        #expect(LogTimestamp(seconds: 951_782_400, milliseconds: 7).rfc3339 == "2000-02-29T00:00:00.007Z")
        #expect(LogTimestamp(seconds: 4_102_444_799, milliseconds: 999).rfc3339 == "2099-12-31T23:59:59.999Z")
        #expect(LogTimestamp(seconds: -1, milliseconds: 0).rfc3339 == "1969-12-31T23:59:59.000Z")
        #expect(LogTimestamp.now().rfc3339.hasSuffix("Z"))
    }

    @Test func accessLinesCarryTheRequestID() async throws {
        let sink = LineSink()
        let harness = Harness()
        let router = harness.makeRouter()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: sink.logger())
        try await app.test(.router) { client in
            try await client.execute(uri: "/things/7", method: .get, headers: [.requestID: "req-77"]) { #expect($0.status == .ok) }
        }
        let access = try #require(sink.objects.first { $0["message"] as? String == "request" })
        let metadata = try #require(access["metadata"] as? [String: String])
        #expect(metadata["request_id"] == "req-77")
        #expect(metadata["http.route"] == "/things/{id}")
        #expect(metadata["http.status"] == "200")
        #expect(access["level"] as? String == "info")
    }
}
