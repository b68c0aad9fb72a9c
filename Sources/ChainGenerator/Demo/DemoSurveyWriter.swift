import Foundation

/// surveys.csv of the demo: about 20–45 follow-up calls a dealer a month (by its size), the
/// satisfaction and NPS drawn from the dealer's quality that month.
enum DemoSurveyWriter {
    static func write(_ history: DemoHistory, to url: URL) throws -> (rows: Int, bytes: Int) {
        var out = try ByteWriter(url: url)
        out.text(SurveyWriter.header)
        try out.endLine()
        var rng = Xoshiro256StarStar(seed: history.spec.seed, stream: DemoStream.surveys.rawValue)
        var staff: [Int] = []
        var k = 0
        try history.forEachOutletMonth { m, outlet, quality in
            let count = Int(history.profiles[outlet].size * 26) + rng.int(in: 0...8)
            for _ in 0..<count {
                let (minute, day) = history.instant(month: m, hours: 1...11, rng: &rng)
                out.byte(82)  // R
                out.int(k, width: 8)
                out.text(",\(DealerNetwork.dealers[outlet].code),")
                if rng.chance(0.7) { history.writeSomeone(at: outlet, day: day, staff: &staff, rng: &rng, to: &out) }
                out.byte(44)
                history.calendar.writeInstant(minute: minute, to: &out)
                out.text(rng.chance(0.8) ? ",phone," : ",wechat,")
                let sat = satisfaction(quality, rng: &rng)
                out.int(sat)
                out.byte(44)
                if rng.chance(0.7) { out.int(min(10, max(0, Int(10.5 * quality + Double(sat - 3) + 3 * (rng.unit() - 0.5))))) }
                try out.endLine()
                k += 1
            }
        }
        return (k, try out.close())
    }

    /// 5 with odds 0.65q − 0.05, 4 with 0.3, the rest spread over 3, 2, 1 (halving).
    static func satisfaction(_ q: Double, rng: inout Xoshiro256StarStar) -> Int {
        let u = rng.unit()
        let five = 0.65 * q - 0.05
        if u < five { return 5 }
        if u < five + 0.3 { return 4 }
        let rest = (u - five - 0.3) / max(0.0001, 0.75 - 0.65 * q)
        return rest < 0.55 ? 3 : rest < 0.85 ? 2 : 1
    }
}
