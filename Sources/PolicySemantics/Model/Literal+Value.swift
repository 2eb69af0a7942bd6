import PolicyValues

extension Literal {
    /// The literal's value; nil when it cannot be held (a duration beyond its unit's
    /// limit). A percentage is its rate: `15%` is 0.15.
    public var value: Value? {
        switch self {
        case .none: return Value.none
        case .bool(let b): return .bool(b)
        case .text(let t): return .text(t)
        case .number(let t): return ExactDecimal(t).map { .number($0) }
        case .percent(let t): return ExactDecimal(percent: t).map { .number($0) }
        case .date(let y, let m, let d): return CivilDate(year: y, month: m, day: d).map { .date($0) }
        case .duration(let amount, let unit):
            guard let n = unit.amount(Substring(amount)) else { return nil }
            return .duration(Duration(amount: n, unit: unit))
        }
    }
}
