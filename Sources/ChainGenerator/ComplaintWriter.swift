import Foundation

/// complaints.csv: `complaint_id,outlet_code,employee_no,severity,opened_at,first_response_at,resolved_at`.
enum ComplaintWriter {
    static let header = "complaint_id,outlet_code,employee_no,severity,opened_at,first_response_at,resolved_at"
    static let severities = ["high", "medium", "low"]

    /// Writes `complaintsPerOutlet` complaints for every outlet (ids `C00000000`, …), opened on the
    /// hour between 08:00 and 20:00 +08:00 of a random day. 90 % have a first response 5..900 minutes
    /// later and 85 % a resolution 1..90 hours later (never before the first response); either is
    /// left empty when it would fall after the month. 50 % name someone assigned to the outlet that day;
    /// severity is uniform over high / medium / low.
    static func write(spec: ChainSpec, period: Period, roster: Roster, to url: URL) throws -> (rows: Int, bytes: Int) {
        var out = try ByteWriter(url: url)
        out.text(header)
        try out.endLine()
        var rng = Xoshiro256StarStar(seed: spec.seed, stream: RandomStream.complaints.rawValue)
        var staff: [Int] = []
        var k = 0
        for outlet in 0..<spec.outlets {
            for _ in 0..<spec.complaintsPerOutlet {
                let day = rng.int(in: 0...(period.days - 1))
                let opened = day * 1440 + (8 + rng.int(in: 0...12)) * 60
                let firstResponse: Int? = rng.chance(0.1) ? nil : opened + rng.int(in: 5...900)
                var resolved: Int? = rng.chance(0.15) ? nil : opened + 60 * rng.int(in: 1...90)
                if let r = resolved, let f = firstResponse, r < f { resolved = f }
                out.byte(67)  // C
                out.int(k, width: 8)
                out.byte(44)
                out.outletCode(outlet)
                out.byte(44)
                if rng.chance(0.5) {
                    roster.assigned(to: outlet, day: day + 1, into: &staff)
                    if !staff.isEmpty { out.employeeNo(rng.pick(staff)) }
                }
                out.byte(44)
                out.text(rng.pick(severities))
                out.byte(44)
                period.writeInstant(minute: opened, to: &out)
                out.byte(44)
                if let f = firstResponse, f < period.minutes { period.writeInstant(minute: f, to: &out) }
                out.byte(44)
                if let r = resolved, r < period.minutes { period.writeInstant(minute: r, to: &out) }
                try out.endLine()
                k += 1
            }
        }
        let bytes = try out.close()
        return (k, bytes)
    }
}
