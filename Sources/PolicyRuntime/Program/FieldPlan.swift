import PolicyValues
import PolicySyntax
import PolicySemantics

/// What reading a field's cells needs at run time: its default, allowed values and
/// date pattern as values, worked out once.
public struct FieldPlan: Sendable {
    public var spec: FieldSpec
    public var defaultValue: Value?
    public var allowed: Set<Value>?
    public var pattern: DatePattern?

    public init(spec: FieldSpec, defaultValue: Value? = nil, allowed: Set<Value>? = nil, pattern: DatePattern? = nil) {
        self.spec = spec
        self.defaultValue = defaultValue
        self.allowed = allowed
        self.pattern = pattern
    }

    /// How the loaded values of this field are stored.
    public var columnType: CustomerTable.ColumnType {
        switch spec.type {
        case .int, .number, .money: .decimal
        case .date: .date
        case .bool: .bool
        case .text: .text
        case .duration: .other
        }
    }

    /// Plans every field of a schema, reporting date patterns that cannot be read.
    public static func plan(_ schema: Schema) -> ([FieldPlan], DiagnosticBag) {
        var diagnostics = DiagnosticBag()
        var plans: [FieldPlan] = []
        for field in schema.fields {
            var plan = FieldPlan(spec: field)
            plan.defaultValue = field.defaultValue.flatMap { LiteralValue.make($0) }
            if let allowed = field.allowed {
                plan.allowed = Set(allowed.compactMap { LiteralValue.make($0) })
            }
            if let text = field.datePattern {
                if let pattern = DatePattern(text) {
                    plan.pattern = pattern
                } else if let span = field.patternSpan {
                    diagnostics.error(.invalidDatePattern, "cannot read dates with the pattern \"\(text)\"", at: span,
                                      help: "a pattern is made of d or dd, M or MM, yy or yyyy, and separators, as in \"dd-MM-yyyy\"")
                }
            }
            plans.append(plan)
        }
        return (plans, diagnostics)
    }
}

/// Turns literals into values.
public enum LiteralValue {
    /// The value of a literal; nil when it cannot be held (a duration beyond a million units).
    public static func make(_ literal: Literal) -> Value? {
        switch literal {
        case .none: return Value.none
        case .bool(let b): return .bool(b)
        case .text(let t): return .text(t)
        case .number(let t): return ExactDecimal(t).map { .number($0) }
        case .percent(let t):
            guard let n = ExactDecimal(t), let rate = n.divided(by: ExactDecimal(100)) else { return nil }
            return .number(rate)
        case .date(let y, let m, let d): return CivilDate(year: y, month: m, day: d).map { .date($0) }
        case .duration(let amount, let unit):
            guard let n = unit.amount(Substring(amount)) else { return nil }
            return .duration(Duration(amount: n, unit: unit))
        }
    }
}
