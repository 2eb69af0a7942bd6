import Testing
import PolicyValues

@Suite("Duration")
struct DurationTests {
    /// Cells as people write them, and what they read as (`nil`: refused).
    static let cells: [(String, String?)] = [
        ("30 days", "30 days"), ("1 day", "1 day"), ("2 Weeks", "2 weeks"), ("3 MONTHS", "3 months"),
        ("1 year", "1 year"), ("  7   days ", "7 days"), ("0 days", "0 days"),
        ("100 years", "100 years"), ("101 years", nil), ("36525 days", "36525 days"), ("36526 days", nil),
        ("1200 months", "1200 months"), ("1201 months", nil), ("5218 weeks", "5218 weeks"), ("5219 weeks", nil),
        ("1.5 days", nil), ("-3 days", nil), ("+3 days", nil), ("3", nil), ("days", nil), ("3 fortnights", nil),
        ("3 days ago", nil), ("", nil), ("9999999 days", nil), ("٣ days", nil),
    ]

    @Test(arguments: cells)
    func readsCells(text: String, expected: String?) {
        #expect(Duration(text: text)?.text == expected)
    }

    @Test func daysAndWeeksCountDaysMonthsAndYearsCountMonths() {
        #expect(Duration(amount: 2, unit: .week).magnitude == 14)
        #expect(!Duration(amount: 2, unit: .week).isMonthBased)
        #expect(Duration(amount: 2, unit: .year).magnitude == 24)
        #expect(Duration(amount: 2, unit: .year).isMonthBased)
        #expect(Duration(amount: 3, unit: .month).approximateDays == 90)
        #expect(Duration(amount: 3, unit: .day).approximateDays == 3)
    }

    @Test func addsToDatesClampingMonthEnds() {
        let end = CivilDate(year: 2026, month: 1, day: 31)!
        #expect(Duration(amount: 1, unit: .month).added(to: end) == CivilDate(year: 2026, month: 2, day: 28))
        #expect(Duration(amount: 1, unit: .year).added(to: CivilDate(year: 2024, month: 2, day: 29)!)
                == CivilDate(year: 2025, month: 2, day: 28))
        #expect(Duration(amount: 2, unit: .week).added(to: end, sign: -1) == CivilDate(year: 2026, month: 1, day: 17))
        #expect(Duration(amount: 1, unit: .day).added(to: CivilDate(year: 9999, month: 12, day: 31)!) == nil)
    }

    @Test func comparesOnlyLikeWithLike() {
        let days = Value.duration(Duration(amount: 14, unit: .day))
        let weeks = Value.duration(Duration(amount: 2, unit: .week))
        let months = Value.duration(Duration(amount: 1, unit: .month))
        #expect(Value.compare(days, weeks) == 0)
        #expect(Value.compare(months, .duration(Duration(amount: 1, unit: .year))) == -1)
        #expect(Value.compare(days, months) == nil)
    }

    /// The keywords of duration literals are the units' raw values, singular.
    @Test func unitsAreTheirKeywords() {
        #expect([DurationUnit.day, .week, .month, .year].map(\.rawValue) == ["day", "week", "month", "year"])
        #expect(DurationUnit.year.amount("100") == 100 && DurationUnit.year.amount("101") == nil)
        #expect(DurationUnit.day.amount("0012") == 12 && DurationUnit.day.amount("1234567") == nil)
    }
}
