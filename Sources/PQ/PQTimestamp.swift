import Foundation

/// Formatting and parsing of `timestamptz` text without DateFormatter (thread-safe, locale-free).
enum PQTimestamp {
    /// `yyyy-MM-ddTHH:mm:ss.ffffffZ` in UTC; before year 1, PostgreSQL's era suffix (` BC`: the
    /// proleptic year 0 is 1 BC), as a period's start in year 1 east of Greenwich is.
    static func format(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        var seconds = Int64(interval.rounded(.down))
        var micros = Int64(((interval - Double(seconds)) * 1_000_000).rounded())
        if micros >= 1_000_000 {
            seconds += 1
            micros -= 1_000_000
        }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (year, month, day) = civil(fromDays: days)
        let hour = secondOfDay / 3600
        let minute = (secondOfDay % 3600) / 60
        let second = secondOfDay % 60
        let (era, yearOfEra) = year > 0 ? ("", year) : (" BC", 1 - year)
        return
            "\(pad(yearOfEra, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2)).\(pad(micros, 6))Z\(era)"
    }

    /// Parses PostgreSQL's ISO output (`2026-09-14 02:32:00+00`, `2026-09-14 02:32:00.5+05:30`,
    /// `0001-12-31 15:54:17+00 BC`) and the ISO 8601 form with `T` and `Z`.
    static func parse(_ text: String) -> Date? {
        let s = Array(text.utf8)
        var i = 0
        func number(_ count: Int) -> Int64? {
            guard i + count <= s.count else { return nil }
            var v: Int64 = 0
            for k in i..<(i + count) {
                let c = s[k]
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int64(c - 48)
            }
            i += count
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < s.count, s[i] == c else { return false }
            i += 1
            return true
        }
        // Year may have more than four digits.
        var yearDigits = 0
        while i + yearDigits < s.count, s[i + yearDigits] >= 48, s[i + yearDigits] <= 57 { yearDigits += 1 }
        guard yearDigits >= 4, let year = number(yearDigits), expect(45), let month = number(2), expect(45),
            let day = number(2)
        else { return nil }
        guard expect(32) || expect(84) else { return nil }  // ' ' or 'T'
        guard let hour = number(2), expect(58), let minute = number(2), expect(58), let second = number(2) else {
            return nil
        }
        var fraction = 0.0
        if expect(46) {
            var scale = 0.1
            while i < s.count, s[i] >= 48, s[i] <= 57 {
                fraction += Double(s[i] - 48) * scale
                scale /= 10
                i += 1
            }
        }
        var offset: Int64 = 0
        if i < s.count, s[i] != 32 {
            if expect(90) {  // Z
            } else {
                let sign: Int64
                if expect(43) { sign = 1 } else if expect(45) { sign = -1 } else { return nil }
                guard let oh = number(2) else { return nil }
                var total = oh * 3600
                if expect(58) || (i < s.count && s[i] >= 48 && s[i] <= 57) {
                    guard let om = number(2) else { return nil }
                    total += om * 60
                    if expect(58) {
                        guard let os = number(2) else { return nil }
                        total += os
                    }
                }
                offset = sign * total
            }
        }
        let beforeChrist = i + 3 == s.count && expect(32) && expect(66) && expect(67)  // " BC"
        guard i == s.count else { return nil }
        let days = daysFromCivil(year: beforeChrist ? 1 - year : year, month: month, day: day)
        let whole = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(whole) + fraction)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    // Howard Hinnant's civil-calendar algorithms (proleptic Gregorian).
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}
