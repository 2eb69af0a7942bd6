import PolicySyntax

/// A checked expression: names resolved to slots and indexes, every operation known
/// to be well typed. The runtime plans and evaluates this tree; it never looks a
/// name up again. Two trees are equal when they have the same shape (the lints use
/// this to recognise one expression written twice).
public indirect enum Bound: Sendable, Hashable {
    case literal(Literal)
    /// A customer field, by slot.
    case field(Int)
    /// A `let`, by index.
    case derived(Int)
    /// A segment's label for the customer, by segment index.
    case segment(Int)
    /// A label constant: `Gold` compared with `tier`.
    case label(segment: Int, index: Int)
    /// A population aggregate, by index into `CheckedPolicy.aggregates`.
    case aggregate(Int)
    /// The as-of date.
    case today
    case negate(Bound)
    case not(Bound)
    /// `+ - * /` on numbers, dates and durations; the runtime dispatches on values.
    case arithmetic(BinaryOperator, Bound, Bound)
    case compare(BinaryOperator, Bound, Bound)
    case and(Bound, Bound)
    case or(Bound, Bound)
    case coalesce(Bound, Bound)
    case between(Bound, lower: Bound, upper: Bound)
    case member(Bound, [Bound], negated: Bool)
    case isNone(Bound, negated: Bool)
    case call(Builtin, [Bound])
    case interpolate([InterpolationPart])
}

extension Bound {
    /// The direct sub-expressions, in order (not looking into lets, segments or aggregates).
    public var children: [Bound] {
        switch self {
        case .literal, .field, .derived, .segment, .label, .aggregate, .today: []
        case .negate(let x), .not(let x), .isNone(let x, _): [x]
        case .arithmetic(_, let a, let b), .compare(_, let a, let b), .and(let a, let b), .or(let a, let b),
             .coalesce(let a, let b): [a, b]
        case .between(let v, let lo, let hi): [v, lo, hi]
        case .member(let v, let items, _): [v] + items
        case .call(_, let arguments): arguments
        case .interpolate(let parts): parts.compactMap { if case .value(let x, _) = $0 { x } else { nil } }
        }
    }
}

/// A piece of a message: text, or a value printed according to its type.
public enum InterpolationPart: Sendable, Hashable {
    case text(String)
    case value(Bound, ValueType)
}

/// A checked expression together with its type.
public struct Typed: Sendable {
    public var bound: Bound
    public var type: ValueType

    public init(_ bound: Bound, _ type: ValueType) {
        self.bound = bound
        self.type = type
    }
}
