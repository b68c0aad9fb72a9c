/// A calendar month `YYYY-MM` in the chain's time zone (fixed offset +08:00, Asia/Shanghai has no DST).
///
/// Instants inside the month are counted in minutes from its first midnight and formatted by hand
/// (`2026-10-05T09:30:00+08:00`), so no locale, calendar or time-zone database is involved.
struct Period: Sendable, Equatable {
    let year: Int
    let month: Int
    let days: Int

    /// Minutes in the month: instants are `0 ..< minutes`.
    var minutes: Int { days * 1440 }

    init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
            parts[0].allSatisfy(\.isASCII), parts[1].allSatisfy(\.isASCII),
            let y = Int(parts[0]), let m = Int(parts[1]), (1000...9999).contains(y), (1...12).contains(m)
        else { return nil }
        year = y
        month = m
        switch m {
        case 2:
            let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
            days = leap ? 29 : 28
        case 4, 6, 9, 11: days = 30
        default: days = 31
        }
    }

    /// Writes `YYYY-MM-DD` for a day of this month (1-based).
    func writeDate(day: Int, to out: inout ByteWriter) {
        out.int(year, width: 4)
        out.byte(45)
        out.int(month, width: 2)
        out.byte(45)
        out.int(day, width: 2)
    }

    /// Writes `YYYY-MM-DDTHH:MM:00+08:00` for `minute` minutes after the month's first midnight.
    func writeInstant(minute: Int, to out: inout ByteWriter) {
        precondition(minute >= 0 && minute < minutes)
        writeDate(day: minute / 1440 + 1, to: &out)
        out.byte(84)  // T
        out.int(minute % 1440 / 60, width: 2)
        out.byte(58)
        out.int(minute % 60, width: 2)
        out.text(":00+08:00")
    }
}
