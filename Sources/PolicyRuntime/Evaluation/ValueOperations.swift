import PolicyValues
import PolicySyntax

/// The operations on values that have no shortcut on scalars: what the evaluator
/// hands every case it does not handle in place to.
enum ValueOperations {
    static func negate(_ v: Value) -> Value {
        if case .number(let n) = v { return .number(-n) }
        return .none
    }

    /// `a op b`; a division by zero is none, and counted.
    static func arithmetic(_ op: BinaryOperator, _ a: Value, _ b: Value, divisionsByZero: inout Int) -> Value {
        switch (a, b) {
        case (.number(let x), .number(let y)):
            switch op {
            case .add: return .number(x + y)
            case .subtract: return .number(x - y)
            case .multiply: return .number(x * y)
            default:
                guard let q = x.divided(by: y) else {
                    divisionsByZero += 1
                    return .none
                }
                return .number(q)
            }
        case (.date(let x), .date(let y)) where op == .subtract:
            return .number(ExactDecimal(x.days(since: y)))
        case (.date(let d), .duration(let span)):
            return (span.added(to: d, sign: op == .subtract ? -1 : 1)).map { .date($0) } ?? .none
        case (.duration(let span), .date(let d)) where op == .add:
            return span.added(to: d).map { .date($0) } ?? .none
        default:
            return .none
        }
    }

    /// Whether a comparison holds, given how its sides order (-1, 0, 1).
    @inline(__always)
    static func holds(_ op: BinaryOperator, order c: Int) -> Bool {
        switch op {
        case .equal: return c == 0
        case .notEqual: return c != 0
        case .less: return c < 0
        case .lessEqual: return c <= 0
        case .greater: return c > 0
        default: return c >= 0
        }
    }
}
