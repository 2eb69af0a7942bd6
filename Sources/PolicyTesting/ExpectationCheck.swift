import PolicyValues
import PolicySyntax
import PolicySemantics
import PolicyRuntime

/// Decides whether one expectation holds for one customer, and describes what the
/// customer got when it does not.
struct ExpectationCheck {
    let program: Program
    /// Per `expect` condition of the test (by the expectation's index), its planned
    /// expression and that of a comparison's left side.
    let conditions: [Int: (whole: Int, left: Int?)]

    /// The expressions the test's `expect` conditions need planned with the policy
    /// (see `Program.plan(_:asOf:expressions:)`), and where each is.
    static func expressions(of test: TestSpec) -> ([CheckedExpression], [Int: (whole: Int, left: Int?)]) {
        var expressions: [CheckedExpression] = []
        var conditions: [Int: (whole: Int, left: Int?)] = [:]
        for (index, expectation) in test.expectations.enumerated() {
            guard case .condition(let bound) = expectation.form else { continue }
            expressions.append(bound)
            var left: Int? = nil
            if case .compare(_, let l, _) = bound {
                expressions.append(l)
                left = expressions.count - 1
            }
            conditions[index] = (expressions.count - (left == nil ? 1 : 2), left)
        }
        return (expressions, conditions)
    }

    /// Nil when the expectation holds; otherwise what was found instead. `index` is
    /// the expectation's among the test's (nil: one from an `expect ...` column).
    func failure(_ form: TestExpectation.Form, index: Int?, outcome: CustomerOutcome, row: Int, evaluator: inout Evaluator) -> String? {
        switch form {
        case .label(let segment, let label):
            let actual = outcome.labels[segment]
            if actual == label { return nil }
            let name = program.policy.segments[segment].name
            return "\(name) is \(actual.map { program.policy.segments[segment].labels[$0] } ?? "none")"
        case .action(let kind, let value):
            let records = outcome.records.filter { $0.kind == kind }
            if records.contains(where: { matches($0, value) }) { return nil }
            if let kept = outcome.suppressed.first(where: { $0.record.kind == kind && matches($0.record, value) }) {
                return "it was not written: \(kept.reason)"
            }
            return records.isEmpty ? "no \(kind.rawValue); got \(describe(outcome))" : "got \(describe(outcome))"
        case .suppressed(let kind, let value):
            let suppressed = outcome.suppressed.filter { $0.record.kind == kind }
            if suppressed.contains(where: { matches($0.record, value) }) { return nil }
            let written = outcome.records.filter { $0.kind == kind && matches($0, value) }
            if !written.isEmpty { return "it was written; got \(describe(outcome))" }
            return suppressed.isEmpty ? "no \(kind.rawValue) was suppressed; got \(describe(outcome))"
                : "suppressed: " + suppressed.map { "\($0.record.action) \($0.record.value) (\($0.reason))" }.joined(separator: "; ")
        case .noAction(let kind):
            let records = outcome.records.filter { kind == nil ? $0.kind != nil : $0.kind == kind }
            return records.isEmpty ? nil : "got \(describe(outcome))"
        case .condition:
            // INVARIANT: every condition of the test was planned (`expressions(of:)`).
            let planned = conditions[index!]!
            let value = evaluator.value(ofExpression: planned.whole, row: row)
            if case .bool(true) = value { return nil }
            let verdict = value.isNone ? "none (a value it uses is none)" : "false"
            // For a comparison, the value of its left side: `days_inactive is 20`.
            let left = planned.left.map { "; the left side is \(plain(evaluator.value(ofExpression: $0, row: row)))" } ?? ""
            return "it was \(verdict)" + left
        }
    }

    func plain(_ value: Value) -> String {
        switch value {
        case .none: "none"
        case .number(let n): n.description
        case .text(let t): "\"\(t)\""
        case .date(let d): d.iso
        case .bool(let b): b ? "true" : "false"
        case .duration(let d): d.text
        case .label(let i): "label \(i)"
        }
    }

    func matches(_ record: ActionRecord, _ expected: ExpectedValue?) -> Bool {
        guard let expected else { return true }
        switch expected {
        case .name(let name):
            return record.value == name
        case .literal(let literal):
            switch literal {
            case .percent:
                guard record.isPercent, case .number(let n)? = literal.value else { return false }
                return record.amount == n
            case .number:
                guard !record.isPercent, case .number(let n)? = literal.value else { return false }
                return record.amount == n
            case .duration:
                guard case .duration(let d)? = literal.value else { return false }
                return record.value == d.text
            case .text(let t):
                return record.value == t
            default:
                return false
            }
        }
    }

    /// `tier Gold; discount 15% (Loyalty discount); alert churn_risk (Churn risk)`.
    func describe(_ outcome: CustomerOutcome) -> String {
        let parts = outcome.records.map { r in
            r.kind == nil ? "\(r.action) \(r.value)" : "\(r.action) \(r.value) (\(r.rule))"
        }
        return parts.isEmpty ? "no actions" : parts.joined(separator: "; ")
    }
}
