import PolicyValues

/// A name as written, with where it was written. `address.city` and `` `Total Spend` ``
/// are single names.
public struct Name: Sendable, Hashable {
    public var text: String
    public var span: SourceSpan

    public init(_ text: String, _ span: SourceSpan) {
        self.text = text
        self.span = span
    }
}

public enum UnaryOperator: String, Sendable { case negate = "-", not }

public enum BinaryOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/"
    case equal = "=", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case and, or
    case coalesce = "??"

    public var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: true
        default: false
        }
    }
    public var isArithmetic: Bool {
        switch self {
        case .add, .subtract, .multiply, .divide: true
        default: false
        }
    }
}

/// One piece of a string literal: literal text, or an interpolated `{expr}`.
public enum StringPart: Sendable, Hashable {
    case text(String)
    case expression(Expression)
}

/// An expression as written. Literals keep their source text; turning them into
/// exact values is the runtime planner's job.
public indirect enum ExpressionKind: Sendable, Hashable {
    /// Digits with an optional fraction, `_` removed: `1000`, `0.5`.
    case number(String)
    /// The number before `%`: `15` for `15%`.
    case percent(String)
    case string([StringPart])
    case date(year: Int, month: Int, day: Int)
    case duration(amount: String, unit: DurationUnit)
    case bool(Bool)
    case none
    case name(Name)
    case list([Expression])
    case unary(UnaryOperator, Expression)
    case binary(BinaryOperator, Expression, Expression)
    case between(Expression, lower: Expression, upper: Expression)
    case membership(Expression, list: Expression, negated: Bool)
    case isNone(Expression, negated: Bool)
    /// A call; an aggregate over orders may end in `where COND` (`count(orders where orders.amount > 100)`).
    case call(Name, [Expression], filter: Expression?)
    /// `if COND then A else B`: A when COND is true, B when it is false or none.
    case conditional(Expression, then: Expression, otherwise: Expression)
    /// Stands where a syntax error was reported, so checking can go on quietly.
    case error
}

/// An expression and the span of source it was parsed from.
public struct Expression: Sendable, Hashable {
    public var kind: ExpressionKind
    public var span: SourceSpan

    public init(_ kind: ExpressionKind, _ span: SourceSpan) {
        self.kind = kind
        self.span = span
    }
}
