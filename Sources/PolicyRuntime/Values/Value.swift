import PolicySyntax

/// A runtime value. Numbers of every numeric type are exact decimals; the static
/// type (from the checker) decides how one is printed.
public enum Value: Sendable, Hashable {
    case none
    case bool(Bool)
    case number(ExactDecimal)
    case text(String)
    case date(CivilDate)
    case duration(Duration)
    /// A segment label, by its index among the segment's labels.
    case label(Int)

    @inlinable public var isNone: Bool {
        if case .none = self { return true }
        return false
    }

    /// Orders two values of the same kind; nil when they cannot be compared (a
    /// mismatch, or durations in days against durations in months).
    @inlinable public static func compare(_ a: Value, _ b: Value) -> Int? {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.date(let x), .date(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.text(let x), .text(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.bool(let x), .bool(let y)): return x == y ? 0 : (x ? 1 : -1)
        case (.label(let x), .label(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.duration(let x), .duration(let y)):
            guard x.isMonthBased == y.isMonthBased else { return nil }
            return x.magnitude < y.magnitude ? -1 : (x.magnitude == y.magnitude ? 0 : 1)
        default: return nil
        }
    }
}

/// A length of time as written: `7 days`, `2 weeks`, `3 months`, `1 year`.
/// Days and weeks are exact day counts; months and years follow the calendar.
public struct Duration: Sendable, Hashable {
    public var amount: Int
    public var unit: DurationUnit

    public init(amount: Int, unit: DurationUnit) {
        self.amount = amount
        self.unit = unit
    }

    public var isMonthBased: Bool { unit == .month || unit == .year }

    /// Days for day-based durations, months for month-based ones.
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
