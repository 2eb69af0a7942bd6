/// A length of time as written: `7 days`, `2 weeks`, `3 months`, `1 year`.
/// Days and weeks are exact day counts; months and years follow the calendar.
public struct Duration: Sendable, Hashable {
    /// How many units, as written (`7` in `7 days`).
    public var amount: Int
    /// The unit, as written (`.day` in `7 days`).
    public var unit: DurationUnit

    /// `amount` of `unit`, e.g. `Duration(amount: 7, unit: .day)` for `7 days`.
    @inlinable
    public init(amount: Int, unit: DurationUnit) {
        self.amount = amount
        self.unit = unit
    }

    /// True for months and years, which follow the calendar rather than count days.
    @inlinable
    public var isMonthBased: Bool { unit == .month || unit == .year }

    /// Days for day-based durations, months for month-based ones.
    @inlinable
    public var magnitude: Int {
        switch unit {
        case .day: amount
        case .week: amount * 7
        case .month: amount
        case .year: amount * 12
        }
    }

    /// An approximate length in days, for ranking credit terms against each other.
    public var approximateDays: Int { isMonthBased ? magnitude * 30 : magnitude }

    /// `date + duration`, clamping month ends (31 Jan + 1 month = 28/29 Feb).
    public func added(to date: CivilDate, sign: Int = 1) -> CivilDate? {
        isMonthBased ? date.adding(months: sign * magnitude) : date.adding(days: sign * magnitude)
    }

    /// `60 days`, `1 day`, `2 weeks`.
    public var text: String {
        "\(amount) \(unit.rawValue)\(amount == 1 || amount == -1 ? "" : "s")"
    }

    /// Reads a cell such as `30 days` or `2 weeks`.
    public init?(text: String) {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2 else { return nil }
        var unit = String(parts[1]).lowercased()
        if unit.hasSuffix("s") { unit.removeLast() }
        guard let u = DurationUnit(rawValue: unit), let amount = u.amount(parts[0]) else { return nil }
        self.init(amount: amount, unit: u)
    }
}

/// The unit of a duration literal (`7 days`, `2 weeks`, `3 months`, `1 year`).
public enum DurationUnit: String, Sendable, Hashable {
    case day, week, month, year

    /// The most of this unit a duration may hold: 100 years. Longer durations would move
    /// dates past the calendar's end (and overflow on the way) and are no one's policy.
    public var maximum: Int {
        switch self {
        case .day: 36_525
        case .week: 5_218
        case .month: 1_200
        case .year: 100
        }
    }

    /// `amount` (digits) of this unit, when it is a whole number from 0 to `maximum`.
    public func amount(_ digits: Substring) -> Int? {
        guard digits.count <= 6, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(digits), n <= maximum else { return nil }
        return n
    }
}
