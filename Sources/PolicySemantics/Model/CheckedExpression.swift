import PolicyValues
import PolicySyntax

/// A checked expression: names resolved to slots and indexes, every operation known
/// to be well typed. The runtime plans and evaluates this tree; it never looks a
/// name up again. Two trees are equal when they have the same shape (the lints use
/// this to recognise one expression written twice).
public indirect enum CheckedExpression: Sendable, Hashable {
    case literal(Literal)
    /// A customer field, by slot.
    case field(Int)
    /// A `let`, by index.
    case letValue(Int)
    /// A segment's label for the customer, by segment index.
    case segment(Int)
    /// A label constant: `Gold` compared with `tier`.
    case label(segment: Int, index: Int)
    /// An aggregate (over the population or the customer's orders), by index into `CheckedPolicy.aggregates`.
    case aggregate(Int)
    /// A field of one order, by slot of the orders schema: only inside an aggregate over orders.
    case orderField(Int)
    /// The as-of date.
    case today
    /// What earlier runs recorded for the customer (`last_sent("Rule")`, ...).
    case history(HistoryQuery)
    case negate(CheckedExpression)
    case not(CheckedExpression)
    /// `+ - * /` on numbers, dates and durations; the runtime dispatches on values.
    case arithmetic(BinaryOperator, CheckedExpression, CheckedExpression)
    case compare(BinaryOperator, CheckedExpression, CheckedExpression)
    case and(CheckedExpression, CheckedExpression)
    case or(CheckedExpression, CheckedExpression)
    case coalesce(CheckedExpression, CheckedExpression)
    case between(CheckedExpression, lower: CheckedExpression, upper: CheckedExpression)
    case member(CheckedExpression, [CheckedExpression], negated: Bool)
    case isNone(CheckedExpression, negated: Bool)
    case call(Builtin, [CheckedExpression])
    case interpolate([InterpolationPart])
    /// `if COND then A else B`.
    case conditional(CheckedExpression, CheckedExpression, CheckedExpression)
}

extension CheckedExpression {
    /// The direct sub-expressions, in order (not looking into lets, segments or aggregates).
    public var children: [CheckedExpression] {
        switch self {
        case .literal, .field, .orderField, .letValue, .segment, .label, .aggregate, .today, .history: []
        case .negate(let x), .not(let x), .isNone(let x, _): [x]
        case .arithmetic(_, let a, let b), .compare(_, let a, let b), .and(let a, let b), .or(let a, let b),
             .coalesce(let a, let b): [a, b]
        case .between(let v, let lo, let hi): [v, lo, hi]
        case .conditional(let c, let a, let b): [c, a, b]
        case .member(let v, let items, _): [v] + items
        case .call(_, let arguments): arguments
        case .interpolate(let parts): parts.compactMap { if case .value(let x, _) = $0 { x } else { nil } }
        }
    }
}

/// A question to the history of earlier runs, about one customer.
public enum HistoryQuery: Sendable, Hashable {
    /// `last_sent("Rule")`: the as-of date of the rule's latest record, or none.
    case lastSent(rule: Int)
    /// `times_sent("Rule", 30 days)`: on how many distinct as-of dates within the window the rule was recorded.
    case timesSent(rule: Int, window: Duration)
    /// `last_contact()`: the as-of date of the latest contact of any rule, or none.
    case lastContact
}

/// A piece of a message: text, or a value printed according to its type.
public enum InterpolationPart: Sendable, Hashable {
    case text(String)
    case value(CheckedExpression, ValueType)
}

/// A checked expression together with its type.
public struct Typed: Sendable {
    public var expression: CheckedExpression
    public var type: ValueType

    public init(_ expression: CheckedExpression, _ type: ValueType) {
        self.expression = expression
        self.type = type
    }
}
