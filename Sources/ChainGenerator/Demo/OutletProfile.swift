/// An outlet's service quality month by month, in 0...1: the hidden truth every demo file is drawn from.
///
/// A base level, a trend (about a fifth of the outlets improve, a sixth decline, the rest hold),
/// the season (Spring Festival and the summer air-conditioning rush are hard months) and a
/// little noise each month. Only arithmetic on drawn numbers, so the same seed gives the same bytes.
struct OutletProfile: Sendable {
    enum Course: String, Sendable { case improving, declining, steady }

    let course: Course
    /// Relative size (visits, surveys and complaints scale with it), 0.7...1.4.
    let size: Double
    /// Quality of each month, oldest first.
    let quality: [Double]

    /// Quality change by calendar month (January first).
    static let season: [Double] = [-0.03, -0.06, 0, 0.01, 0.01, 0, -0.02, -0.04, 0, -0.02, 0.02, 0]

    init(calendar: DemoCalendar, rng: inout Xoshiro256StarStar) {
        let r = rng.unit()
        course = r < 0.2 ? .improving : r < 0.37 ? .declining : .steady
        size = 0.7 + 0.7 * rng.unit()
        let base = 0.6 + 0.3 * rng.unit()
        let slope =
            switch course {
            case .improving: 0.01 + 0.008 * rng.unit()
            case .declining: -0.01 - 0.008 * rng.unit()
            case .steady: 0.004 * (rng.unit() - 0.5)
            }
        let start = course == .improving ? base - 0.08 : course == .declining ? base + 0.05 : base
        quality = calendar.periods.enumerated().map { m, period in
            let q = start + slope * Double(m) + Self.season[period.month - 1] + 0.04 * (rng.unit() - 0.5)
            return min(0.98, max(0.3, q))
        }
    }

    /// The profiles of the spec's outlets (their own random stream).
    static func all(spec: DemoChainSpec, calendar: DemoCalendar) -> [OutletProfile] {
        var rng = Xoshiro256StarStar(seed: spec.seed, stream: DemoStream.profiles.rawValue)
        return (0..<spec.outlets).map { _ in OutletProfile(calendar: calendar, rng: &rng) }
    }
}

/// The demo's random streams (apart from ``RandomStream``, so the benchmark chain never shifts).
enum DemoStream: UInt64 {
    case profiles = 101
    case roster, staff, audits, surveys, complaints
}
