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
