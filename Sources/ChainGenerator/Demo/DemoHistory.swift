/// Everything the demo's files are drawn from: the months, the dealers' quality and the roster.
struct DemoHistory: Sendable {
    let spec: DemoChainSpec
    let calendar: DemoCalendar
    let profiles: [OutletProfile]
    let roster: DemoRoster

    init(spec: DemoChainSpec) throws {
        try spec.validate()
        guard let last = Period(spec.lastPeriod) else { throw ChainGeneratorError.invalidSpec("lastPeriod") }
        self.spec = spec
        calendar = DemoCalendar(last: last, count: spec.months)
        profiles = OutletProfile.all(spec: spec, calendar: calendar)
        roster = DemoRoster(spec: spec, calendar: calendar)
    }

    /// Calls `body` with every month's index, every dealer and its quality that month, months oldest first.
    func forEachOutletMonth(_ body: (_ month: Int, _ outlet: Int, _ quality: Double) throws -> Void) rethrows {
        for m in calendar.periods.indices {
            for outlet in 0..<spec.outlets { try body(m, outlet, profiles[outlet].quality[m]) }
        }
    }

    /// A drawn instant of month `m`: a day, then `hours` after 08:00 plus some minutes.
    func instant(month m: Int, hours: ClosedRange<Int>, rng: inout Xoshiro256StarStar) -> (minute: Int, day: Int) {
        let day = rng.int(in: 0...(calendar.periods[m].days - 1))
        let minute = calendar.starts[m] + day * 1440 + (8 + rng.int(in: hours)) * 60 + rng.int(in: 0...59)
        return (minute, minute / 1440)
    }

    /// Writes someone at `outlet` on `day` (calendar day), or nothing when nobody is there.
    func writeSomeone(at outlet: Int, day: Int, staff: inout [Int], rng: inout Xoshiro256StarStar, to out: inout ByteWriter) {
        roster.assigned(to: outlet, day: day, into: &staff)
        if !staff.isEmpty { out.employeeNo(rng.pick(staff)) }
    }
}
