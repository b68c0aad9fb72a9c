public import Foundation

/// When a tenant's monthly batch runs by itself (kpi-batch.md "Schedule"): on `day` of each
/// month at `minuteOfDay` tenant time, for the previous month, then daily at that time until
/// that period is closed.
public struct BatchSchedule: Sendable, Hashable, Codable {
    /// Day of the month of the first run (1–28, so every month has it).
    public let day: Int
    /// Minutes after local midnight (0–1439) of every run.
    public let minuteOfDay: Int

    /// The default: the 3rd at 02:00.
    public static let standard = BatchSchedule(valid: 3, minuteOfDay: 120)

    private init(valid day: Int, minuteOfDay: Int) {
        self.day = day
        self.minuteOfDay = minuteOfDay
    }

    /// A schedule from a day of the month and a time `HH:MM`, or every problem with them.
    public static func parse(day: Int, at time: String) throws(ValidationFailure) -> BatchSchedule {
        var problems: [Problem] = []
        if !(1...28).contains(day) { problems.append(Problem(path: "day", message: "day must be 1 to 28 (got \(day))")) }
        let minute = minuteOfDay(time)
        if minute == nil { problems.append(Problem(path: "at", message: "time must be HH:MM, 00:00 to 23:59 (got \(time))")) }
        guard let minute, problems.isEmpty else { throw ValidationFailure(problems: problems) }
        return BatchSchedule(valid: day, minuteOfDay: minute)
    }

    /// A schedule as stored (nil when the stored values are out of range).
    public init?(day: Int, minuteOfDay: Int) {
        guard (1...28).contains(day), (0..<1440).contains(minuteOfDay) else { return nil }
        self.init(valid: day, minuteOfDay: minuteOfDay)
    }

    /// `HH:MM`.
    public var time: String { pad(minuteOfDay / 60, 2) + ":" + pad(minuteOfDay % 60, 2) }

    /// The minutes after midnight of `HH:MM`, or nil.
    static func minuteOfDay(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) }),
            let hour = Int(parts[0]), let minute = Int(parts[1]), (0..<24).contains(hour), (0..<60).contains(minute)
        else { return nil }
        return hour * 60 + minute
    }

    /// The latest run this schedule asks for at or before `now`: the last local day whose run
    /// time has passed, and the period it is for (the previous month from `day` on, the month
    /// before that earlier in the month, so an open period keeps its daily runs until the next
    /// one's first run).
    public func slot(at now: Date, in timeZone: TimeZone) -> BatchSlot {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let local = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: now)
        let today = CivilDate(year: local.year!, month: local.month!, day: local.day!)!
        let runDay = local.hour! * 60 + local.minute! >= minuteOfDay ? today : today.adding(days: -1)
        let month = Period.containing(runDay, kind: .month)
        // A time in a daylight-saving gap comes out after the gap; the run was due when the gap began.
        let instant = min(
            now,
            calendar.date(
                from: DateComponents(
                    year: runDay.year, month: runDay.month, day: runDay.day, hour: minuteOfDay / 60, minute: minuteOfDay % 60))!)
        return BatchSlot(period: runDay.day >= day ? month.previous : month.previous.previous, day: runDay, instant: instant)
    }

    /// The slot due at `now` for a schedule set at `since`, or nil when the latest slot's time
    /// came before the schedule was set (a new or changed schedule does not run at once for a
    /// time already past; it waits for its next run time).
    public func dueSlot(at now: Date, in timeZone: TimeZone, since: Date) -> BatchSlot? {
        let slot = slot(at: now, in: timeZone)
        return slot.instant >= since ? slot : nil
    }
}

/// One scheduled run: the period it computes and the local day it belongs to. A slot runs at
/// most once (one claim per tenant, period and day), and only while its period is open.
public struct BatchSlot: Sendable, Hashable, CustomStringConvertible {
    public let period: Period
    /// The tenant's local day of the run.
    public let day: CivilDate
    /// When the run was due (the schedule's time on `day`, in the tenant's time zone).
    public let instant: Date

    public init(period: Period, day: CivilDate, instant: Date) {
        self.period = period
        self.day = day
        self.instant = instant
    }

    public var description: String { "\(period) on \(day)" }
}
