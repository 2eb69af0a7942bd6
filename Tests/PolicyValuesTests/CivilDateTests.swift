import Testing
import PolicyValues

/// A date the tests know to be valid; a bad one fails the test, not the run.
private func date(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> CivilDate {
    guard let value = CivilDate(iso: text) else {
        Issue.record("not a date: \(text)", sourceLocation: sourceLocation)
        return CivilDate(daysSinceEpoch: 0)
    }
    return value
}

private func parse(_ pattern: DatePattern, _ text: String) -> CivilDate? {
    Array(text.utf8).withUnsafeBufferPointer { pattern.parse($0) }
}

@Suite("CivilDate")
struct CivilDateTests {
    @Test func epochAndRoundTrip() {
        #expect(CivilDate(year: 1970, month: 1, day: 1)?.daysSinceEpoch == 0)
        #expect(CivilDate(year: 1969, month: 12, day: 31)?.daysSinceEpoch == -1)
        #expect(CivilDate(year: 2000, month: 3, day: 1)?.daysSinceEpoch == 11_017)
        #expect(CivilDate(year: 1, month: 1, day: 1)?.iso == "0001-01-01")
        #expect(CivilDate(year: 9999, month: 12, day: 31)?.iso == "9999-12-31")
        // Every day of the supported range survives fields → days → fields.
        var previous = Int32.min
        for days in stride(from: Int32(-719_162), through: 2_932_896, by: 1) {
            let d = CivilDate(daysSinceEpoch: days)
            guard let back = CivilDate(year: d.year, month: d.month, day: d.day), back == d, days > previous else {
                Issue.record("round trip failed at \(days)")
                return
            }
            previous = days
        }
    }

    static let leapYears: [(Int, Bool)] = [
        (1900, false), (2000, true), (2024, true), (2026, false), (2100, false), (2400, true), (4, true), (1, false),
    ]

    @Test(arguments: leapYears)
    func leapYear(year: Int, leap: Bool) {
        #expect(CivilDate.isLeapYear(year) == leap)
        #expect(CivilDate.daysInMonth(year: year, month: 2) == (leap ? 29 : 28))
        #expect((CivilDate(year: year, month: 2, day: 29) != nil) == leap)
    }

    @Test func daysInMonth() {
        #expect((1...12).map { CivilDate.daysInMonth(year: 2026, month: $0) } == [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
        #expect(CivilDate.daysInMonth(year: 2026, month: 13) == 0)
    }

    static let invalid: [(Int, Int, Int)] = [
        (2026, 2, 30), (2026, 13, 1), (2026, 0, 1), (2026, 1, 0), (2026, 4, 31), (0, 1, 1), (10_000, 1, 1),
        (-5, 1, 1), (2026, 1, 32), (Int.max, 1, 1), (2026, Int.min, 1),
    ]

    @Test(arguments: invalid)
    func invalidDates(year: Int, month: Int, day: Int) {
        #expect(CivilDate(year: year, month: month, day: day) == nil)
    }

    static let weekdays: [(String, Int)] = [
        ("2026-11-22", 7), ("1970-01-01", 4), ("2026-11-23", 1), ("2000-01-01", 6), ("1969-12-31", 3),
        ("0001-01-01", 1), ("2024-02-29", 4), ("1900-01-01", 1),
    ]

    @Test(arguments: weekdays)
    func weekday(text: String, weekday: Int) {
        #expect(date(text).weekday == weekday)
    }

    static let monthAdditions: [(String, Int, String?)] = [
        ("2026-01-31", 1, "2026-02-28"), ("2024-01-31", 1, "2024-02-29"), ("2026-03-31", -1, "2026-02-28"),
        ("2026-11-22", 2, "2027-01-22"), ("2026-11-22", -11, "2025-12-22"), ("2024-02-29", 12, "2025-02-28"),
        ("2024-02-29", 48, "2028-02-29"), ("2026-05-31", 1, "2026-06-30"), ("9999-12-01", 1, nil),
        ("0001-01-15", -1, nil), ("2026-11-22", Int.max, nil), ("2026-11-22", Int.min, nil),
        ("2026-11-22", -24_300, "0001-11-22"), ("2026-01-15", 0, "2026-01-15"),
    ]

    @Test(arguments: monthAdditions)
    func addingMonths(start: String, months: Int, expected: String?) {
        #expect(date(start).adding(months: months)?.iso == expected)
    }

    static let dayAdditions: [(String, Int, String?)] = [
        ("2026-02-28", 1, "2026-03-01"), ("2024-02-28", 1, "2024-02-29"), ("1970-01-01", -1, "1969-12-31"),
        ("2026-11-22", 365, "2027-11-22"), ("9999-12-31", 1, nil), ("0001-01-01", -1, nil),
        ("2026-11-22", Int.max, nil), ("2026-11-22", Int.min, nil),
    ]

    @Test(arguments: dayAdditions)
    func addingDays(start: String, days: Int, expected: String?) {
        #expect(date(start).adding(days: days)?.iso == expected)
    }

    @Test func daysSince() {
        #expect(date("2026-11-22").days(since: date("2026-11-01")) == 21)
        #expect(date("2026-11-01").days(since: date("2026-11-22")) == -21)
        #expect(date("2027-01-01").days(since: date("2026-01-01")) == 365)
        #expect(date("9999-12-31").days(since: date("0001-01-01")) == 3_652_058)
    }

    static let anniversaries: [(String, String, String)] = [
        ("2000-02-29", "2026-02-28", "2026-02-28"), ("2000-02-29", "2026-03-01", "2027-02-28"),
        ("2000-02-29", "2027-12-01", "2028-02-29"), ("2000-02-29", "2028-02-28", "2028-02-29"),
        ("2000-02-29", "2028-03-01", "2029-02-28"), ("1996-11-24", "2026-11-22", "2026-11-24"),
        ("1996-11-24", "2026-11-24", "2026-11-24"), ("1996-11-24", "2026-11-25", "2027-11-24"),
        ("1955-01-01", "2026-11-22", "2027-01-01"), ("1969-12-31", "2026-12-31", "2026-12-31"),
        ("1904-02-29", "1950-01-10", "1950-02-28"), ("2030-05-05", "2026-01-01", "2026-05-05"),
        ("1980-12-31", "9999-12-31", "9999-12-31"),
    ]

    @Test(arguments: anniversaries)
    func nextAnniversary(birthday: String, asOf: String, expected: String) {
        #expect(date(birthday).nextAnniversary(onOrAfter: date(asOf)).iso == expected)
    }

    @Test func anniversaryPastTheCalendarDoesNotTrap() {
        let next = date("1980-01-01").nextAnniversary(onOrAfter: date("9999-12-31"))
        #expect(next.iso == "10000-01-01")
    }

    static let isoCases: [(String, String?)] = [
        ("2026-11-22", "2026-11-22"), ("0001-01-01", "0001-01-01"), ("2024-02-29", "2024-02-29"),
        ("2026-2-1", nil), ("2026-13-01", nil), ("2026-02-30", nil), ("20261122", nil), ("0000-01-01", nil),
        ("2026-11-22 ", nil), (" 2026-11-22", nil), ("2026/11/22", nil), ("2026-11-2x", nil), ("", nil),
        ("2026-00-10", nil), ("2026-11-00", nil), ("+026-11-22", nil), ("２０２６-11-22", nil),
    ]

    static let dateTimeCases: [(String, String?)] = [
        ("2026-11-22", "2026-11-22"), ("2026-11-22T08:26", "2026-11-22"), ("2026-11-22T08:26:59", "2026-11-22"),
        ("2026-11-22T23:30:00-05:00", "2026-11-22"), ("2026-11-22T00:00Z", "2026-11-22"), ("2026-11-22T00:00:00+14:00", "2026-11-22"),
        ("2026-11-22T24:00", nil), ("2026-11-22T08", nil), ("2026-11-22 08:26", nil), ("2026-11-22T08:26:00+5:00", nil),
        ("2026-11-22T08:26:60", nil), ("2026-02-30T08:00", nil), ("2026-11-22T08:26Zx", nil), ("2026-11-22T", nil),
        ("2026-11-22T08:26:00.123", nil), ("2026-11-22T8:26", nil), ("2026-11-22T08:60", nil), ("2026-11-2", nil),
    ]

    /// A date cell takes an ISO date-time too: the date as written, the time checked and dropped.
    @Test(arguments: dateTimeCases)
    func isoDateTimeParsing(text: String, expected: String?) {
        #expect(Array(text.utf8).withUnsafeBufferPointer { CivilDate(isoDateTimeUTF8: $0) }?.iso == expected)
    }

    @Test(arguments: isoCases)
    func isoParsing(text: String, expected: String?) {
        #expect(CivilDate(iso: text)?.iso == expected)
        #expect(Array(text.utf8).withUnsafeBufferPointer { CivilDate(isoUTF8: $0) }?.description == expected)
    }

    @Test func ordering() {
        #expect(date("2026-11-21") < date("2026-11-22"))
        #expect(date("1969-01-01") < date("1970-01-01"))
        #expect(Set([date("2026-11-22"), date("2026-11-22"), date("2026-11-23")]).count == 2)
    }

    static let patternCases: [(String, String, String?)] = [
        ("dd-MM-yyyy", "22-11-2026", "2026-11-22"), ("dd-MM-yyyy", "25-11-1968", "1968-11-25"),
        ("d/M/yy", "5/3/26", "2026-03-05"), ("d/M/yy", "5/3/49", "2049-03-05"), ("d/M/yy", "5/3/50", "1950-03-05"),
        ("d/M/yy", "5/3/99", "1999-03-05"), ("d/M/yy", "15/12/00", "2000-12-15"),
        ("MM/dd/yyyy", "11/22/2026", "2026-11-22"), ("MM/dd/yyyy", "1/22/2026", nil),
        ("MM/dd/yyyy", "22/11/2026", nil), ("yyyy/MM/dd", "2026/11/20", "2026-11-20"),
        ("yyyy-MM-dd", "2026-11-22", "2026-11-22"), ("dd.MM.yyyy", "29.02.2026", nil),
        ("dd.MM.yyyy", "29.02.2024", "2024-02-29"), ("d M yyyy", "1 2 2026", "2026-02-01"),
        ("dd-MM-yyyy", "22-11-2026 ", nil), ("dd-MM-yyyy", "22-11-26", nil), ("dd-MM-yyyy", "22/11/2026", nil),
        ("d/M/yy", "5/3/2026", nil), ("d/M/yy", "123/3/26", nil), ("yyyy年M月d日", "2026年11月22日", "2026-11-22"),
        ("yyyyMMdd", "20261122", "2026-11-22"), ("d/M/yyyy", "", nil), ("d/M/yyyy", "//", nil),
        ("M/d/yyyy H:mm", "12/1/2010 8:26", "2010-12-01"), ("dd/MM/yyyy HH:mm:ss", "22/11/2026 23:59:59", "2026-11-22"),
        ("dd/MM/yyyy HH:mm", "22/11/2026 24:00", nil), ("dd/MM/yyyy HH:mm", "22/11/2026 12:60", nil),
        ("yyyy-MM-dd HH:mm:ss", "2026-11-22 08:05:09", "2026-11-22"), ("dd/MM/yyyy HH:mm", "22/11/2026", nil),
        ("dd/MM/yyyy HH:mm", "22/11/2026 8:05", nil), ("dd-MM-yyyy HH", "22-11-2026 07", "2026-11-22"),
    ]

    @Test(arguments: patternCases)
    func patterns(pattern: String, text: String, expected: String?) {
        guard let compiled = DatePattern(pattern) else {
            Issue.record("pattern refused: \(pattern)")
            return
        }
        #expect(compiled.text == pattern)
        #expect(parse(compiled, text)?.iso == expected)
    }

    static let badPatterns = [
        "", "dd-MM", "MM-yyyy", "dd-MM-yyy", "dd-MMM-yyyy", "ddd-MM-yyyy", "dd-MM-yyyy HHH", "dd-MM-yyyyy",
        "dd-dd-MM-yyyy", "d-M-yy-yyyy", "y-M-d", "dd-mm-yyyy", "DD-MM-YYYY", "yyyy-MM-dd'T'",
        "dd-MM-yyyy hh:mm", "dd-MM-yyyy HH:MM", "dd-MM-yyyy HH:HH", "dd-MM-yyyy H:m", "dd-MM-yyyy HH:mm:s",
    ]

    @Test(arguments: badPatterns)
    func badPattern(pattern: String) {
        #expect(DatePattern(pattern) == nil)
    }

    @Test func isoPattern() {
        #expect(DatePattern.iso.text == "yyyy-MM-dd")
        #expect(parse(.iso, "2026-11-22") == date("2026-11-22"))
        #expect(DatePattern("dd-MM-yyyy") == DatePattern("dd-MM-yyyy"))
    }
}
