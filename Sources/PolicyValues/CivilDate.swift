/// A calendar day without time or time zone (proleptic Gregorian), as the policy language
/// sees dates: `2026-11-22`. Stored as a day count so comparing and subtracting are integer
/// operations; the calendar fields are computed on demand.
public struct CivilDate: Sendable, Hashable, Comparable {
    /// Days since 1970-01-01 (negative before it).
    public let daysSinceEpoch: Int32

    /// Days since the epoch of 0001-01-01, the first supported day.
    static let firstDay: Int = CivilDate.daysFromCivil(year: 1, month: 1, day: 1)
    /// Days since the epoch of 9999-12-31, the last supported day.
    static let lastDay: Int = CivilDate.daysFromCivil(year: 9999, month: 12, day: 31)

    /// The day with this count; any count is accepted (the calendar fields stay correct
    /// far outside 1...9999, but `adding` refuses to go there).
    @inlinable
    public init(daysSinceEpoch: Int32) {
        self.daysSinceEpoch = daysSinceEpoch
    }

    /// The date, or nil when it is not on the calendar (2026-02-30, month 13) or its year is
    /// outside 1...9999.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= CivilDate.daysInMonth(year: year, month: month) else { return nil }
        // INVARIANT: years 1...9999 give about ±3 million days, well inside Int32.
        self.daysSinceEpoch = Int32(CivilDate.daysFromCivil(year: year, month: month, day: day))
    }

    /// True for Gregorian leap years: 2000 and 2024 are, 1900 and 2026 are not.
    public static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    /// 28...31 for months 1...12; 0 for a month that does not exist.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: return 31
        case 4, 6, 9, 11: return 30
        case 2: return isLeapYear(year) ? 29 : 28
        default: return 0
        }
    }

    /// The year (1...9999 for dates made from calendar fields).
    public var year: Int { fields.year }

    /// The month, 1...12.
    public var month: Int { fields.month }

    /// The day of the month, 1...31.
    public var day: Int { fields.day }

    /// ISO weekday: 1 = Monday ... 7 = Sunday.
    public var weekday: Int {
        // 1970-01-01 was a Thursday (ISO 4).
        let sinceThursday = ((Int(daysSinceEpoch) % 7) + 7) % 7
        return (sinceThursday + 3) % 7 + 1
    }

    /// The day `days` later (earlier when negative), or nil outside years 1...9999.
    public func adding(days: Int) -> CivilDate? {
        let (target, overflow) = Int(daysSinceEpoch).addingReportingOverflow(days)
        guard !overflow, target >= CivilDate.firstDay, target <= CivilDate.lastDay else { return nil }
        return CivilDate(daysSinceEpoch: Int32(target))
    }

    /// The same day `months` later (earlier when negative), clamped to the end of a shorter
    /// month: 2026-01-31 + 1 month = 2026-02-28. Years are 12 months. Nil outside 1...9999.
    public func adding(months: Int) -> CivilDate? {
        let (year, month, day) = fields
        let (shifted, overflow) = (year * 12 + month - 1).addingReportingOverflow(months)
        guard !overflow else { return nil }
        let newYear = shifted >= 0 ? shifted / 12 : (shifted - 11) / 12
        let newMonth = shifted - newYear * 12 + 1
        guard (1...9999).contains(newYear) else { return nil }
        return CivilDate(year: newYear, month: newMonth,
                         day: min(day, CivilDate.daysInMonth(year: newYear, month: newMonth)))
    }

    /// Whole days from `other` to this date (positive when this date is later).
    @inlinable
    public func days(since other: CivilDate) -> Int {
        Int(daysSinceEpoch) - Int(other.daysSinceEpoch)
    }

    /// The next day on or after `asOf` with this date's month and day: this year's if it has
    /// not passed yet, else next year's. 29 February is kept on 28 February in common years.
    /// Past 9999-12-31 the result is computed the same way (year 10000), never nil.
    public func nextAnniversary(onOrAfter asOf: CivilDate) -> CivilDate {
        let (_, month, day) = fields
        let thisYear = asOf.year
        let candidate = CivilDate.clamped(year: thisYear, month: month, day: day)
        if candidate >= asOf { return candidate }
        return CivilDate.clamped(year: thisYear + 1, month: month, day: day)
    }

    /// The given day, moved back to the month's last day when the month is shorter.
    private static func clamped(year: Int, month: Int, day: Int) -> CivilDate {
        let days = daysFromCivil(year: year, month: month, day: min(day, daysInMonth(year: year, month: month)))
        return CivilDate(daysSinceEpoch: Int32(clamping: days))
    }

    /// Orders by day.
    @inlinable
    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        lhs.daysSinceEpoch < rhs.daysSinceEpoch
    }

    // Howard Hinnant's days_from_civil / civil_from_days
    // (https://howardhinnant.github.io/date_algorithms.html): eras of 400 years starting on
    // 1 March, so the leap day falls at the end of each computed year.

    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private var fields: (year: Int, month: Int, day: Int) {
        let z = Int(daysSinceEpoch) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

extension CivilDate: CustomStringConvertible {
    /// `YYYY-MM-DD`, the year zero-padded to four digits.
    public var iso: String {
        let (year, month, day) = fields
        if !(0...9999).contains(year) {
            // Only reachable through init(daysSinceEpoch:) far from today; keep it readable.
            let m = month < 10 ? "0\(month)" : "\(month)"
            let d = day < 10 ? "0\(day)" : "\(day)"
            return "\(year)-\(m)-\(d)"
        }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 10) { buffer in
            func put(_ value: Int, at offset: Int, width: Int) {
                var rest = value
                for position in stride(from: offset + width - 1, through: offset, by: -1) {
                    buffer[position] = UInt8(48 + rest % 10)
                    rest /= 10
                }
            }
            put(year, at: 0, width: 4)
            buffer[4] = UInt8(ascii: "-")
            put(month, at: 5, width: 2)
            buffer[7] = UInt8(ascii: "-")
            put(day, at: 8, width: 2)
            return String(decoding: UnsafeBufferPointer(buffer), as: UTF8.self)
        }
    }

    /// The ISO form, `YYYY-MM-DD`.
    public var description: String { iso }
}
