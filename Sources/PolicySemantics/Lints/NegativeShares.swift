import PolicyValues
import PolicySyntax

/// W0110: `cumulative_share` of a value that can be negative. A share of a total
/// that mixes gains and losses can pass 100% or fall below 0, and "the customers
/// who bring 80% of the revenue" stops meaning anything.
///
/// A value can be negative by its form: a subtraction or a negation, a negative
/// constant, a field whose allowed values or default include a negative number, or
/// anything built from these (through lets and aggregates). A plain field is taken
/// at its word: spend and counts are not negative.
enum NegativeShares {
    static func lint(_ context: LintContext, into bag: inout DiagnosticBag) {
        let policy = context.policy
        let memo = LintMemo<Int, Bool>()
        func canBeNegative(_ e: CheckedExpression) -> Bool {
            switch e {
            case .literal(let literal):
                if case .number(let n)? = literal.value { return n < .zero }
                return false
            case .field(let slot):
                return declaresNegative(policy.schema.fields[slot])
            case .orderField(let slot):
                return policy.orders.map { declaresNegative($0.fields[slot]) } ?? false
            case .letValue(let i):
                return memo.value(i) { canBeNegative(policy.lets[i].value.expression) }
            case .aggregate(let i):
                let spec = policy.aggregates[i]
                switch spec.kind {
                case .sum, .mean, .median, .min, .max, .first, .last: return spec.argument.map { canBeNegative($0.expression) } ?? false
                default: return false
                }
            case .negate: return true
            case .arithmetic(.subtract, _, _): return true
            case .arithmetic(_, let a, let b), .coalesce(let a, let b), .conditional(_, let a, let b):
                return canBeNegative(a) || canBeNegative(b)
            case .call(.abs, _): return false
            case .call(.max, let arguments):
                // max(x - y, 0) is never negative.
                return arguments.allSatisfy(canBeNegative)
            case .call(.min, let arguments), .call(.round, let arguments):
                return arguments.contains(where: canBeNegative)
            default: return false
            }
        }
        for spec in policy.aggregates where spec.kind == .cumulativeShare && context.inMainFile(spec.span) {
            guard let argument = spec.argument, canBeNegative(argument.expression) else { continue }
            bag.warning(.negativeShare, "`cumulative_share` of a value that can be negative: shares of a total with losses in it can pass 100%",
                        at: spec.span, help: "share out a value that is never negative, such as max(x, 0) or total_spend")
        }
    }

    /// A field whose allowed values or default include a negative number.
    static func declaresNegative(_ field: FieldSpec) -> Bool {
        let literals = (field.allowed ?? []) + (field.defaultValue.map { [$0] } ?? [])
        return literals.contains { if case .number(let n)? = $0.value { n < .zero } else { false } }
    }
}
