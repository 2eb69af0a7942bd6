/// How tightly an expression binds, loosest first, as in the grammar's levels.
enum Precedence: Int, Comparable {
    case lowest = 0, or, and, not, comparison, coalesce, additive, multiplicative, unary, primary

    static func < (a: Precedence, b: Precedence) -> Bool { a.rawValue < b.rawValue }

    init(_ op: BinaryOperator) {
        switch op {
        case .or: self = .or
        case .and: self = .and
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: self = .comparison
        case .coalesce: self = .coalesce
        case .add, .subtract: self = .additive
        case .multiply, .divide: self = .multiplicative
        }
    }

    init(_ expression: Expression) {
        switch expression.kind {
        case .binary(let op, _, _): self.init(op)
        case .between, .membership, .isNone: self = .comparison
        case .unary(.not, _): self = .not
        case .unary(.negate, _): self = .unary
        case .conditional: self = .lowest
        default: self = .primary
        }
    }

    /// The next tighter level.
    var tighter: Precedence { Precedence(rawValue: rawValue + 1) ?? .primary }
}

/// Expressions print on one line with single spaces around operators. Literals and
/// names print as written (`1_000`, `15%`, string escapes, backticks).
///
/// Parentheses: those the author wrote are kept (one pair, however many were
/// written), because they often say how a condition reads (`(a and b) or c`); and
/// any that precedence requires are added, so printing never changes meaning.
extension Layout {
    /// `expression` printed where the grammar expects at least `minimum`.
    func print(_ expression: Expression, _ minimum: Precedence = .lowest) -> String {
        let body = printBare(expression)
        let written = parenthesized.contains(expression.span.start..<expression.span.end)
        return written || Precedence(expression) < minimum ? "(" + body + ")" : body
    }

    private func printBare(_ expression: Expression) -> String {
        switch expression.kind {
        case .number, .percent, .string, .date:
            return text(literalToken(expression))
        case .duration:
            let amount = literalToken(expression)
            return text(amount) + " " + text(token(at: amount.end))
        case .bool(let value):
            return value ? "true" : "false"
        case .none:
            return "none"
        case .name(let name):
            return name.span.text
        case .list(let items):
            return "[" + items.map { print($0) }.joined(separator: ", ") + "]"
        case .call(let function, let arguments, let filter):
            let filterText = filter.map { " where " + print($0) } ?? ""
            return function.span.text + "(" + arguments.map { print($0) }.joined(separator: ", ") + filterText + ")"
        case .unary(.not, let operand):
            return "not " + print(operand, .not)
        case .unary(.negate, let operand):
            return "-" + print(operand, .unary)
        case .binary(let op, let left, let right):
            let level = Precedence(op)
            let sides: (Precedence, Precedence) = switch level {
            case .comparison: (.coalesce, .coalesce)            // not associative
            case .coalesce: (.additive, .coalesce)              // right-associative
            default: (level, level.tighter)                     // left-associative
            }
            return print(left, sides.0) + " " + op.rawValue + " " + print(right, sides.1)
        case .between(let value, let lower, let upper):
            return print(value, .coalesce) + " between " + print(lower, .coalesce) + " and " + print(upper, .coalesce)
        case .membership(let value, let list, let negated):
            return print(value, .coalesce) + (negated ? " not in " : " in ") + print(list)
        case .isNone(let value, let negated):
            return print(value, .coalesce) + (negated ? " is not none" : " is none")
        case .conditional(let condition, let then, let otherwise):
            return "if " + print(condition) + " then " + print(then) + " else " + print(otherwise)
        case .error:
            return expression.span.text
        }
    }

    /// The literal's own token: a parenthesized literal's span starts at its `(`.
    private func literalToken(_ expression: Expression) -> Token {
        var index = tokenIndex(atOrAfter: expression.span.start)
        while tokens[index].kind == .leftParen, index < tokens.count - 1 { index += 1 }
        return tokens[index]
    }
}
