import PolicyValues
import PolicySyntax

/// The static type of an expression. `int`, `number`, `money` and `percent` are all
/// exact decimals; the type decides how a value is printed (`15%`, `59.97`).
public indirect enum ValueType: Hashable, Sendable {
    case int, number, money, percent
    case text, bool, date, duration
    /// A label of the segment with this index (`tier` has type `label(0)`).
    case label(segment: Int)
    /// A list, only as the right side of `in`.
    case list(ValueType)
    /// The literal `none`: fits anywhere.
    case none
    /// After an error has been reported: fits anywhere, so one mistake is said once.
    case unknown

    public var isNumeric: Bool {
        switch self {
        case .int, .number, .money, .percent: true
        default: false
        }
    }

    /// True for the types that accept anything without a further complaint.
    var isWildcard: Bool { self == .none || self == .unknown }
}

/// The types a field can be declared with.
public enum FieldType: String, Sendable, CaseIterable {
    case text, int, number, money, bool, date, duration

    public var valueType: ValueType {
        switch self {
        case .text: .text
        case .int: .int
        case .number: .number
        case .money: .money
        case .bool: .bool
        case .date: .date
        case .duration: .duration
        }
    }
}

/// A constant as written in the policy, not yet turned into a runtime value.
public enum Literal: Hashable, Sendable {
    case number(String)
    case percent(String)
    case text(String)
    case date(year: Int, month: Int, day: Int)
    case duration(amount: String, unit: DurationUnit)
    case bool(Bool)
    case none

    /// The literal's own type (`15` is an int, `0.5` a number).
    public var type: ValueType {
        switch self {
        case .number(let digits): digits.contains(".") ? .number : .int
        case .percent: .percent
        case .text: .text
        case .date: .date
        case .duration: .duration
        case .bool: .bool
        case .none: .none
        }
    }
}
