import Foundation
import Testing

@testable import TouchstoneCore

@Suite struct BatchScheduleTests {
    let shanghai = TimeZone(identifier: "Asia/Shanghai")!
    let newYork = TimeZone(identifier: "America/New_York")!

    func slot(_ schedule: BatchSchedule, _ now: String, _ timeZone: TimeZone) -> BatchSlot {
        schedule.slot(at: Instant.parse(now)!, in: timeZone)
    }

    @Test func parsesAndValidates() throws {
        let schedule = try BatchSchedule.parse(day: 5, at: "07:30")
        #expect(schedule.day == 5 && schedule.minuteOfDay == 450 && schedule.time == "07:30")
        #expect(BatchSchedule.standard.day == 3 && BatchSchedule.standard.time == "02:00")
        for (day, at) in [(0, "02:00"), (29, "02:00"), (3, "24:00"), (3, "2:00"), (3, "02:60"), (3, "0200"), (3, "ab:cd"), (3, "")] {
            #expect(throws: ValidationFailure.self) { try BatchSchedule.parse(day: day, at: at) }
        }
        #expect(
            throws: ValidationFailure(problems: [
                Problem(path: "day", message: "day must be 1 to 28 (got 31)"),
                Problem(path: "at", message: "time must be HH:MM, 00:00 to 23:59 (got 25:00)"),
            ])
        ) { try BatchSchedule.parse(day: 31, at: "25:00") }
        #expect(BatchSchedule(day: 0, minuteOfDay: 10) == nil && BatchSchedule(day: 1, minuteOfDay: 1440) == nil)
    }

    @Test func firstRunIsForThePreviousMonthInTenantTime() {
        // 2026-03-03 02:00 in Shanghai is 2026-03-02T18:00Z.
        let first = slot(.standard, "2026-03-02T18:00:00Z", shanghai)
        #expect(first.period.description == "2026-02" && first.day.description == "2026-03-03")
        #expect(first.instant == Instant.parse("2026-03-03T02:00:00+08:00"))
        // A minute earlier the latest run time is the 2nd's, which still belongs to January.
        let before = slot(.standard, "2026-03-02T17:59:00Z", shanghai)
        #expect(before.period.description == "2026-01" && before.day.description == "2026-03-02")
    }

    @Test func dailyUntilTheNextPeriodsFirstRun() {
        let later = slot(.standard, "2026-03-20T05:00:00+08:00", shanghai)
        #expect(later.period.description == "2026-02" && later.day.description == "2026-03-20")
        // 1st and 2nd of April: still February's daily runs; from the 3rd, March.
        #expect(slot(.standard, "2026-04-02T09:00:00+08:00", shanghai).period.description == "2026-02")
        #expect(slot(.standard, "2026-04-03T02:00:00+08:00", shanghai).period.description == "2026-03")
    }

    @Test func monthEndsAndYearEnds() throws {
        let last = try BatchSchedule.parse(day: 28, at: "23:59")
        #expect(slot(last, "2026-02-28T23:59:00+08:00", shanghai).period.description == "2026-01")
        #expect(slot(last, "2026-02-28T23:58:00+08:00", shanghai).period.description == "2025-12")
        // Before 00:30 on 1 March, the latest run time is the 28th of February (not a 29th/30th).
        let early = try BatchSchedule.parse(day: 1, at: "00:30")
        let crossing = slot(early, "2026-03-01T00:10:00+08:00", shanghai)
        #expect(crossing.day.description == "2026-02-28" && crossing.period.description == "2026-01")
        let newYear = slot(.standard, "2027-01-03T02:00:00+08:00", shanghai)
        #expect(newYear.period.description == "2026-12")
        #expect(slot(.standard, "2027-01-01T12:00:00+08:00", shanghai).period.description == "2026-11")
    }

    @Test func localTimeNotUTC() {
        // 2026-03-03T03:00Z is the 3rd 11:00 in Shanghai but the 2nd 22:00 in New York.
        #expect(slot(.standard, "2026-03-03T03:00:00Z", shanghai).period.description == "2026-02")
        #expect(slot(.standard, "2026-03-03T03:00:00Z", newYork).period.description == "2026-01")
    }

    @Test func daylightSavingGap() throws {
        // New York skips 02:00–03:00 on 2026-03-08: the 02:30 run is due once the clock shows 03:00.
        let schedule = try BatchSchedule.parse(day: 8, at: "02:30")
        let due = slot(schedule, "2026-03-08T03:00:00-04:00", newYork)
        #expect(due.day.description == "2026-03-08" && due.period.description == "2026-02")
        #expect(due.instant <= Instant.parse("2026-03-08T03:00:00-04:00")!)
        #expect(slot(schedule, "2026-03-08T01:59:00-05:00", newYork).day.description == "2026-03-07")
    }

    @Test func aNewScheduleWaitsForItsNextRunTime() {
        let now = Instant.parse("2026-03-05T10:00:00+08:00")!
        let setAt9 = Instant.parse("2026-03-05T09:00:00+08:00")!
        #expect(BatchSchedule.standard.dueSlot(at: now, in: shanghai, since: setAt9) == nil)
        let tomorrow = Instant.parse("2026-03-06T02:00:00+08:00")!
        #expect(BatchSchedule.standard.dueSlot(at: tomorrow, in: shanghai, since: setAt9)?.day.description == "2026-03-06")
        let setLastMonth = Instant.parse("2026-02-01T00:00:00+08:00")!
        #expect(BatchSchedule.standard.dueSlot(at: now, in: shanghai, since: setLastMonth)?.day.description == "2026-03-05")
    }
}
