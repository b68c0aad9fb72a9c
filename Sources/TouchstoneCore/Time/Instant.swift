public import Foundation

/// Instants: ISO 8601 text with an explicit offset, and formatting in a tenant zone.
public enum Instant {
    /// The default tenant time zone, `Asia/Shanghai`.
    public static let defaultTimeZone: TimeZone = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600)!

    /// Parses `2026-09-14T10:32:00+08:00`, `…Z`, `…+0800`, optional fractional seconds.
    /// Text without an offset is rejected (nil).
    public static func parse(_ text: String) -> Date? {
        if case .success(let d) = check(text) { return d }
        return nil
    }

    /// Like `parse(_:)`, but throws a problem at `path` that says what is wrong.
    public static func parse(_ text: String, path: String) throws(ValidationFailure) -> Date {
        switch check(text) {
        case .success(let d): return d
        case .failure(let message): throw ValidationFailure(path: path, message: message)
        }
    }

    enum Outcome {
        case success(Date)
        case failure(String)
    }

    static func check(_ text: String) -> Outcome {
        let b = Array(text.utf8)
        let bad = Outcome.failure("expected an ISO 8601 instant with an offset like 2026-09-14T10:32:00+08:00, got \"\(text)\"")
        guard b.count >= 19, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
            b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"),
            b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
            let y = parseDigits(b[0..<4]), let mo = parseDigits(b[5..<7]), let d = parseDigits(b[8..<10]),
            let h = parseDigits(b[11..<13]), let mi = parseDigits(b[14..<16]), let s = parseDigits(b[17..<19])
        else {
            return bad
        }
        guard let date = CivilDate(year: y, month: mo, day: d), h < 24, mi < 60, s < 60 else {
            return .failure("date or time out of range in \"\(text)\"")
        }
        var i = 19
        var fraction = 0.0
        if i < b.count, b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ",") {
            i += 1
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 }
            guard i > start else { return bad }
            fraction = Double("0." + String(decoding: b[start..<i], as: UTF8.self)) ?? 0
        }
        guard i < b.count else { return .failure("instant \"\(text)\" has no offset (add Z or +08:00)") }
        var offset = 0
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            guard i + 1 == b.count else { return bad }
        } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
            let rest = b[(i + 1)...]
            let oh: Int?
            let om: Int?
            if rest.count == 5, rest[rest.startIndex + 2] == UInt8(ascii: ":") {
                oh = parseDigits(rest.prefix(2))
                om = parseDigits(rest.suffix(2))
            } else if rest.count == 4 {
                oh = parseDigits(rest.prefix(2))
                om = parseDigits(rest.suffix(2))
            } else if rest.count == 2 {
                oh = parseDigits(rest)
                om = 0
            } else {
                return bad
            }
            guard let oh, let om, oh <= 18, om < 60 else { return bad }
            offset = sign * (oh * 3600 + om * 60)
        } else {
            return bad
        }
        let seconds = date.daysSinceEpoch * 86_400 + h * 3600 + mi * 60 + s - offset
        return .success(Date(timeIntervalSince1970: TimeInterval(seconds) + fraction))
    }

    /// `2026-09-14T10:32:00+08:00`: the instant in `timeZone` with its offset (whole
    /// seconds; a zero offset is written `+00:00`).
    public static func format(_ date: Date, in timeZone: TimeZone) -> String {
        let offset = timeZone.secondsFromGMT(for: date)
        let local = Int(date.timeIntervalSince1970.rounded(.down)) + offset
        let day = CivilDate(daysSinceEpoch: floorDiv(local, 86_400))
        let secs = local - floorDiv(local, 86_400) * 86_400
        let sign = offset < 0 ? "-" : "+"
        let off = abs(offset)
        return day.description + "T" + pad(secs / 3600, 2) + ":" + pad(secs / 60 % 60, 2) + ":" + pad(secs % 60, 2)
            + sign + pad(off / 3600, 2) + ":" + pad(off / 60 % 60, 2)
    }
}
