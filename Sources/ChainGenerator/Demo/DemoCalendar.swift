/// The demo's months, oldest first, and instants counted in minutes from the first month's first midnight.
struct DemoCalendar: Sendable {
    let periods: [Period]
    /// Minutes before each month's first midnight, counted from the first month's.
    let starts: [Int]

    /// `count` consecutive months ending with `last`.
    init(last: Period, count: Int) {
        var months = [last]
        while months.count < count { months.insert(months[0].previousMonth, at: 0) }
        periods = months
        var start = 0
        var starts: [Int] = []
        for month in months {
            starts.append(start)
            start += month.minutes
        }
        self.starts = starts
    }

    /// Minutes in all months together.
    var minutes: Int { starts[starts.count - 1] + periods[periods.count - 1].minutes }

    /// Writes the instant `minute` minutes after the first month's first midnight (`minute < minutes`).
    func writeInstant(minute: Int, to out: inout ByteWriter) {
        var m = periods.count - 1
        while starts[m] > minute { m -= 1 }
        periods[m].writeInstant(minute: minute - starts[m], to: &out)
    }

    /// Writes the date of `day` (1-based) of month `month`.
    func writeDate(month: Int, day: Int, to out: inout ByteWriter) {
        periods[month].writeDate(day: day, to: &out)
    }
}

extension Period {
    /// The month before this one.
    var previousMonth: Period {
        let (y, m) = month == 1 ? (year - 1, 12) : (year, month - 1)
        return Period("\(y)-" + (m < 10 ? "0" : "") + "\(m)")!
    }
}

extension DemoCalendar {
    /// Writes the date of `day`, counted from the first month's first day (0).
    func writeDate(day: Int, to out: inout ByteWriter) {
        let minute = day * 1440
        var m = periods.count - 1
        while starts[m] > minute { m -= 1 }
        periods[m].writeDate(day: (minute - starts[m]) / 1440 + 1, to: &out)
    }
}
