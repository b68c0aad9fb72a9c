import Foundation

/// surveys.csv: `response_id,outlet_code,employee_no,responded_at,channel,sat,nps`.
enum SurveyWriter {
    static let header = "response_id,outlet_code,employee_no,responded_at,channel,sat,nps"
    static let satisfaction = [5, 5, 4, 4, 4, 3, 2, 1]

    /// Writes `surveysPerOutlet` responses for every outlet (ids `R00000000`, …), on a random day
    /// between 08:00 and 19:40 +08:00, channel `phone`; 70 % name someone assigned to the outlet
    /// that day; `sat` is 5 / 4 / 3 / 2 / 1 with odds 2:3:1:1:1; 60 % have an `nps` uniform in 0..10.
    static func write(spec: ChainSpec, period: Period, roster: Roster, to url: URL) throws -> (rows: Int, bytes: Int) {
        var out = try ByteWriter(url: url)
        out.text(header)
        try out.endLine()
        var rng = Xoshiro256StarStar(seed: spec.seed, stream: RandomStream.surveys.rawValue)
        var staff: [Int] = []
        var k = 0
        for outlet in 0..<spec.outlets {
            for _ in 0..<spec.surveysPerOutlet {
                let day = rng.int(in: 0...(period.days - 1))
                let minute = day * 1440 + 8 * 60 + rng.int(in: 0...700)
                out.byte(82)  // R
                out.int(k, width: 8)
                out.byte(44)
                out.outletCode(outlet)
                out.byte(44)
                if rng.chance(0.7) {
                    roster.assigned(to: outlet, day: day + 1, into: &staff)
                    if !staff.isEmpty { out.employeeNo(rng.pick(staff)) }
                }
                out.byte(44)
                period.writeInstant(minute: minute, to: &out)
                out.text(",phone,")
                out.int(rng.pick(satisfaction))
                out.byte(44)
                if rng.chance(0.6) { out.int(rng.int(in: 0...10)) }
                try out.endLine()
                k += 1
            }
        }
        let bytes = try out.close()
        return (k, bytes)
    }
}
