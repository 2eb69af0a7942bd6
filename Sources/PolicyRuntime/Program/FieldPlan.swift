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
            plan.defaultValue = field.defaultValue.flatMap(\.value)
            if let allowed = field.allowed {
                plan.allowed = Set(allowed.compactMap(\.value))
            }
            if let text = field.datePattern {
                if let pattern = DatePattern(text) {
                    plan.pattern = pattern
                } else if let span = field.patternSpan {
                    diagnostics.error(.invalidDatePattern, "cannot read dates with the pattern \"\(text)\"", at: span,
                                      help: "a pattern is made of d or dd, M or MM, yy or yyyy, and separators, as in \"dd-MM-yyyy\"; a time of day of H or HH, mm and ss, as in \"dd/MM/yyyy HH:mm\"")
                }
            }
            plans.append(plan)
        }
        return (plans, diagnostics)
    }
}
