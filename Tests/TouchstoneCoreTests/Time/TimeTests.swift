import Foundation
import Testing

@testable import TouchstoneCore

@Suite struct TimeTests {
    let shanghai = Instant.defaultTimeZone

    @Test(arguments: [
        ("2026-09-14T10:32:00+08:00", 1_789_353_120.0),
        ("2026-09-14T02:32:00Z", 1_789_353_120.0),
        ("2026-09-14T02:32:00.250Z", 1_789_353_120.25),
        ("2026-09-13T21:32:00-05:00", 1_789_353_120.0),
        ("2026-09-14T10:32:00+0800", 1_789_353_120.0),
    ])
    func parsesInstantsWithOffset(text: String, epoch: Double) {
        #expect(Instant.parse(text)?.timeIntervalSince1970 == epoch)
    }

    @Test(arguments: [
        "2026-09-14T10:32:00", "2026-09-14", "2026-09-14 10:32:00+08:00", "2026-13-14T10:32:00Z",
        "2026-02-30T10:00:00Z", "2026-09-14T24:00:00Z", "2026-09-14T10:32:00+8", "yesterday",
    ])
    func rejectsInstantsWithoutOffsetOrMalformed(text: String) {
        #expect(Instant.parse(text) == nil)
    }

    @Test func offsetlessMessageSaysOffset() {
        #expect(throws: ValidationFailure(path: "visitedAt", message: "instant \"2026-09-14T10:32:00\" has no offset (add Z or +08:00)")) {
            try Instant.parse("2026-09-14T10:32:00", path: "visitedAt")
        }
    }

    @Test func formatsInTenantZone() {
        let d = Instant.parse("2026-10-31T16:30:00Z")!
        #expect(Instant.format(d, in: shanghai) == "2026-11-01T00:30:00+08:00")
        #expect(Instant.format(d, in: TimeZone(identifier: "UTC")!) == "2026-10-31T16:30:00+00:00")
        #expect(Instant.format(d, in: TimeZone(identifier: "America/New_York")!) == "2026-10-31T12:30:00-04:00")
    }

    @Test func eventBelongsToPeriodInTenantZone() throws {
        let d = Instant.parse("2026-10-31T16:30:00Z")!
        #expect(try Period.parse("2026-11").contains(d, in: shanghai))
        #expect(try !Period.parse("2026-10").contains(d, in: shanghai))
        #expect(try Period.parse("2026-10").contains(d, in: TimeZone(identifier: "UTC")!))
        #expect(Period.containing(d, kind: .quarter, in: shanghai).description == "2026-Q4")
        // Boundaries are half-open.
        let b = try Period.parse("2026-11").bounds(in: shanghai)
        #expect(Instant.format(b.start, in: shanghai) == "2026-11-01T00:00:00+08:00")
        #expect(Instant.format(b.end, in: shanghai) == "2026-12-01T00:00:00+08:00")
        #expect(try !Period.parse("2026-11").contains(b.end, in: shanghai))
    }

    @Test(arguments: [
        ("2026-09", "2026-09-01", "2026-09-30", 30),
        ("2026-02", "2026-02-01", "2026-02-28", 28),
        ("2028-02", "2028-02-01", "2028-02-29", 29),
        ("2026-Q4", "2026-10-01", "2026-12-31", 92),
        ("2026-Q1", "2026-01-01", "2026-03-31", 90),
        ("2028-Q1", "2028-01-01", "2028-03-31", 91),
        ("2026-Q3", "2026-07-01", "2026-09-30", 92),
    ])
    func periodDays(text: String, first: String, last: String, days: Int) throws {
        let p = try Period.parse(text)
        #expect(p.firstDay.description == first)
        #expect(p.lastDay.description == last)
        #expect(p.days == days)
        #expect(p.description == text)
    }

    @Test func periodNavigation() throws {
        #expect(try Period.parse("2026-01").previous.description == "2025-12")
        #expect(try Period.parse("2026-12").next.description == "2027-01")
        #expect(try Period.parse("2026-Q1").previous.description == "2025-Q4")
        #expect(try Period.parse("2026-Q4").next.description == "2027-Q1")
        #expect(try Period.parse("2026-Q4").months.map(\.description) == ["2026-10", "2026-11", "2026-12"])
    }

    @Test(arguments: [
        ("2026-13", "month must be 01…12 in \"2026-13\""),
        ("2026-Q5", "quarter must be Q1…Q4 in \"2026-Q5\""),
        ("2026-1", "expected a period YYYY-MM (e.g. 2026-10) or YYYY-Qn (e.g. 2026-Q4), got \"2026-1\""),
        ("26-10", "expected a period YYYY-MM (e.g. 2026-10) or YYYY-Qn (e.g. 2026-Q4), got \"26-10\""),
    ])
    func periodErrors(text: String, message: String) {
        #expect(throws: ValidationFailure(path: "period", message: message)) { try Period.parse(text) }
    }

    @Test func civilDates() {
        let a = CivilDate("2026-09-21")!
        #expect(a.adding(days: 10).description == "2026-10-01")
        #expect(a.adding(days: -21).description == "2026-08-31")
        #expect(CivilDate.daysInclusive(from: CivilDate("2026-09-01")!, to: CivilDate("2026-09-20")!) == 20)
        #expect(CivilDate.daysInclusive(from: a, to: a) == 1)
        #expect(CivilDate.daysInclusive(from: a, to: a.adding(days: -1)) == 0)
        #expect(CivilDate("2026-02-29") == nil)
        #expect(CivilDate("2026-9-01") == nil)
        #expect(CivilDate("1970-01-01")!.daysSinceEpoch == 0)
        #expect(CivilDate(daysSinceEpoch: -1).description == "1969-12-31")
        #expect(CivilDate(Instant.parse("2026-10-31T16:30:00Z")!, in: shanghai).description == "2026-11-01")
    }
}
