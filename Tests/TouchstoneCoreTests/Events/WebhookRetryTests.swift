import Foundation
import Testing
import TouchstoneCore

@Suite struct WebhookRetryTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func pausesDoubleFromTenSecondsUpToAnHour() {
        let r = WebhookRetry.standard
        #expect((1...6).map { r.delay(afterAttempts: $0) } == [10, 20, 40, 80, 160, 320])
        #expect(r.delay(afterAttempts: 9) == 2560)
        #expect(r.delay(afterAttempts: 10) == 3600)
        #expect(r.delay(afterAttempts: 500) == 3600)
    }

    @Test func nextAttemptIsThePauseAfterNow() {
        let now = start.addingTimeInterval(100)
        #expect(WebhookRetry.standard.next(afterAttempts: 3, windowStart: start, now: now) == now.addingTimeInterval(40))
    }

    @Test func parkedWhenTheNextAttemptFallsAfterTheDay() {
        let r = WebhookRetry.standard
        let late = start.addingTimeInterval(86_400 - 3000)
        #expect(r.next(afterAttempts: 20, windowStart: start, now: late) == nil)
        #expect(r.next(afterAttempts: 20, windowStart: start, now: start.addingTimeInterval(86_400 - 3600)) != nil)
    }

    @Test func theWholeScheduleLastsADay() {
        // Attempts back to back from the window start: how many before it parks, and when.
        let r = WebhookRetry.standard
        var now = start
        var attempts = 0
        while true {
            attempts += 1
            guard let next = r.next(afterAttempts: attempts, windowStart: start, now: now) else { break }
            now = next
        }
        #expect(attempts == 32)
        #expect(now.timeIntervalSince(start) > 86_400 - 3600)
        #expect(now.timeIntervalSince(start) <= 86_400)
    }
}

@Suite struct WebhookURLTests {
    @Test func httpsIsAccepted() {
        #expect(WebhookURL.problem("https://hooks.example.com/touchstone", allowInsecure: false) == nil)
    }

    @Test func plainHTTPOnlyToThisMachineWhenAllowed() {
        #expect(WebhookURL.problem("http://127.0.0.1:8080/x", allowInsecure: true) == nil)
        #expect(WebhookURL.problem("http://localhost/x", allowInsecure: true) == nil)
        #expect(WebhookURL.problem("http://127.0.0.1:8080/x", allowInsecure: false)?.contains("--allow-insecure-webhooks") == true)
        #expect(WebhookURL.problem("http://example.com/x", allowInsecure: true)?.contains("https://") == true)
    }

    @Test func othersAreRefused() {
        #expect(WebhookURL.problem("ftp://example.com/x", allowInsecure: true) != nil)
        #expect(WebhookURL.problem("not a url", allowInsecure: true) != nil)
        #expect(WebhookURL.problem("https://user:pw@example.com/", allowInsecure: false) != nil)
    }
}

@Suite struct OutboxEventTests {
    @Test func bodyHasTheCommonFieldsAndTheData() {
        let at = Date(timeIntervalSince1970: 1_800_000_000.25)
        let event = OutboxEvent.periodClosed(period: "2026-05", resultsHash: "ab", by: "boss", at: at)
        let id = UUID(uuidString: "6F9619FF-8B86-D011-B42D-00C04FC964FF")!
        #expect(
            event.body(id: id, tenant: "acme")
                == #"{"by":"boss","id":"6f9619ff-8b86-d011-b42d-00c04fc964ff","occurredAt":"2027-01-15T08:00:00.250Z","period":"2026-05","resultsHash":"ab","subject":"2026-05","tenant":"acme","type":"period.closed"}"#
        )
    }

    @Test func dataCannotReplaceCommonFields() {
        let event = OutboxEvent(type: .batchCompleted, subject: "s", data: [("id", .string("x"))], occurredAt: Date(timeIntervalSince1970: 0))
        #expect(event.body(id: UUID(), tenant: "t").contains("\"x\"") == false)
    }

    @Test func timestampsAreUTCWithMilliseconds() {
        #expect(OutboxEvent.timestamp(Date(timeIntervalSince1970: 0.007)) == "1970-01-01T00:00:00.007Z")
        #expect(OutboxEvent.timestamp(Date(timeIntervalSince1970: 86_399.5)) == "1970-01-01T23:59:59.500Z")
    }
}
