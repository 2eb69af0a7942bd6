import PolicyValues
import PolicySyntax
import PolicySemantics

/// Builds an `Explanation` for one customer of a loaded table.
public struct Explainer {
    let loaded: LoadedPolicy
    let policy: CheckedPolicy
    let program: Program
    /// Every condition part's planned expression (see `Program.plan(_:asOf:expressions:)`)
    /// and type, by its source span.
    let parts: [SourceSpan: (expression: Int, type: ValueType)]

    /// The condition parts to bind for `explain`: each conjunct of every segment and
    /// rule condition, and the left side of each comparison.
    public static func conditionParts(_ loaded: LoadedPolicy) -> [Expression] {
        var parts: [Expression] = []
        for declaration in loaded.declarations {
            switch declaration {
            case .segment(let s): for c in s.cases { if let e = c.condition { parts += partsOf(e) } }
            case .rule(let r): parts += partsOf(r.condition)
            default: break
            }
        }
        return parts
    }

    static func partsOf(_ condition: Expression) -> [Expression] {
        conjuncts(condition).flatMap { c -> [Expression] in
            guard let left = leftSide(c) else { return [c] }
            return [c, left]
        }
    }

    /// `a and b and c` as `[a, b, c]`.
    static func conjuncts(_ e: Expression) -> [Expression] {
        if case .binary(.and, let a, let b) = e.kind { return conjuncts(a) + conjuncts(b) }
        return [e]
    }

    static func leftSide(_ e: Expression) -> Expression? {
        let left: Expression
        switch e.kind {
        case .binary(let op, let a, _) where op.isComparison: left = a
        case .between(let a, _, _), .membership(let a, _, _), .isNone(let a, _): left = a
        default: return nil
        }
        switch left.kind {
        case .number, .percent, .string, .date, .bool, .none: return nil
        default: return left
        }
    }

    /// `program` was planned with `bound.map(\.expression)` as its expressions, in order.
    public init(loaded: LoadedPolicy, policy: CheckedPolicy, program: Program, parts: [Expression], bound: [Typed]) {
        self.loaded = loaded
        self.policy = policy
        self.program = program
        var planned: [SourceSpan: (Int, ValueType)] = [:]
        for (index, (expression, typed)) in zip(parts, bound).enumerated() where typed.type != .unknown {
            planned[expression.span] = (index, typed.type)
        }
        self.parts = planned
    }

    /// `history` is what earlier runs recorded (`--history`), for the rules with `once`.
    /// The quotas are worked out over the whole table, as `policy run` does.
    public func explain(row: Int, table: CustomerTable, aggregates: AggregateResults, history: HistoryIndex? = nil,
                        source: String) -> Explanation {
        let quotas = QuotaAdmissions.compute(program, table: table, aggregates: aggregates, history: history)
        var evaluator = Evaluator(program, table: table, aggregates: aggregates, history: history, quotas: quotas)
        let outcome = evaluator.outcome(row: row)
        var explanation = Explanation(customerID: evaluator.customerID(row), source: source, asOf: program.asOf.iso,
                                      values: values(row: row, evaluator: &evaluator), segments: [], rules: [],
                                      nearMisses: [], suppressed: [])
        let segmentDeclarations = loaded.declarations.compactMap { d -> SegmentDeclaration? in
            if case .segment(let s) = d { return s } else { return nil }
        }
        for (index, segment) in program.policy.segments.enumerated() {
            guard let declaration = segmentDeclarations.first(where: { $0.name.text == segment.name }) else { continue }
            let chosen = outcome.labels[index]
            var steps: [Explanation.Step] = []
            for c in declaration.cases {
                let isChosen = chosen.map { segment.labels[$0] == c.label.text } ?? false
                guard let condition = c.condition else {
                    steps.append(.init(subject: c.label.text, verdict: isChosen ? "yes: otherwise (no earlier label matched)" : "not reached"))
                    continue
                }
                if isChosen {
                    steps.append(.init(subject: c.label.text, verdict: "yes: \(condition.span.text)"))
                    break
                }
                steps.append(.init(subject: c.label.text, verdict: "no: " + whyNot(condition, row: row, evaluator: &evaluator)))
            }
            explanation.segments.append((segment.name, chosen.map { segment.labels[$0] } ?? "none (no label matched)", steps))
        }
        let ruleDeclarations = loaded.declarations.compactMap { d -> RuleDeclaration? in
            if case .rule(let r) = d { return r } else { return nil }
        }
        for (index, rule) in ruleDeclarations.enumerated() {
            if outcome.firedRules.contains(index) {
                func line(_ r: ActionRecord, _ why: String? = nil) -> String {
                    "-> \(r.action) \(r.value)\(r.channel.isEmpty ? "" : " by \(r.channel)")\(why.map { " (\($0))" } ?? "")"
                }
                let kept = outcome.records.filter { $0.priority == index }.map { line($0) }
                let suppressed = outcome.suppressed.filter { $0.record.priority == index }.map { s in
                    line(s.record, s.byResolve ? "dropped by resolve" : "not written: \(s.reason)")
                }
                explanation.rules.append((rule.name, true, ["when \(rule.condition.span.text)"] + kept + suppressed))
            } else {
                explanation.rules.append((rule.name, false, [whyNot(rule.condition, row: row, evaluator: &evaluator)]))
                if let miss = nearMiss(rule.condition, rule: rule.name, row: row, evaluator: &evaluator) {
                    explanation.nearMisses.append(miss)
                }
            }
        }
        explanation.suppressed = outcome.suppressed.map { "\($0.record.action) \($0.record.value) from \"\($0.record.rule)\": \($0.reason)" }
        return explanation
    }

    /// The first part of a condition that was not true, with the values behind it:
    /// `orders >= 10 was false: orders is 7`.
    func whyNot(_ condition: Expression, row: Int, evaluator: inout Evaluator) -> String {
        for part in Self.conjuncts(condition) {
            guard let (expression, _) = parts[part.span] else { continue }
            let value = evaluator.value(ofExpression: expression, row: row)
            if case .bool(true) = value { continue }
            var text = "\(part.span.text) was \(value.isNone ? "none" : "false")"
            if let left = Self.leftSide(part), let (leftExpression, type) = parts[left.span] {
                text += ": \(left.span.text) is \(shown(evaluator.value(ofExpression: leftExpression, row: row), type: type))"
            }
            return text
        }
        return "\(condition.span.text) was not true"
    }

    /// `orders is 3 short of 10 for "Loyalty discount"`, when one numeric threshold is all that
    /// kept a rule from firing and the customer is within a third of it.
    func nearMiss(_ condition: Expression, rule: String, row: Int, evaluator: inout Evaluator) -> String? {
        var failed: [Expression] = []
        for part in Self.conjuncts(condition) {
            guard let (expression, _) = parts[part.span] else { return nil }
            if case .bool(true) = evaluator.value(ofExpression: expression, row: row) { continue }
            failed.append(part)
        }
        guard failed.count == 1, case .binary(let op, let left, let right) = failed[0].kind,
              [.greater, .greaterEqual, .less, .lessEqual].contains(op),
              let (leftExpression, type) = parts[left.span], case .number(let x) = evaluator.value(ofExpression: leftExpression, row: row) else { return nil }
        var threshold: ExactDecimal
        var percent = false
        switch right.kind {
        case .number(let t): guard let n = ExactDecimal(t) else { return nil }; threshold = n
        case .percent(let t):
            guard let n = ExactDecimal(t).flatMap({ $0.divided(by: ExactDecimal(100)) }) else { return nil }
            threshold = n
            percent = true
        default: return nil
        }
        let rising = op == .greater || op == .greaterEqual
        // A strict bound on whole numbers is a bound one step further: `> 60` is `>= 61`.
        if type == .int, op == .greater { threshold = threshold + .one }
        if type == .int, op == .less { threshold = threshold - .one }
        let gap = rising ? threshold - x : x - threshold
        guard !threshold.isZero, gap.sign > 0, gap * ExactDecimal(3) <= threshold.magnitude else { return nil }
        let shownType: ValueType = percent ? .percent : (type == .int ? .int : type)
        let amount = program.formatter.text(.number(gap), as: shownType)
        let bound = program.formatter.text(.number(threshold), as: shownType)
        return "\(left.span.text) is \(amount) \(rising ? "short of" : "over") \(bound) for \"\(rule)\""
    }

    /// The fields and lets the policy's segments and rules use, with their values;
    /// for a policy with orders, the customer's number of orders and each aggregate
    /// over them that is used.
    func values(row: Int, evaluator: inout Evaluator) -> [(name: String, value: String, definition: String?)] {
        var fields = Set<Int>(), lets = Set<Int>(), overOrders = Set<Int>()
        var visited = Set<Int>()
        func collect(_ b: CheckedExpression) {
            switch b {
            case .field(let slot): fields.insert(slot)
            case .letValue(let i):
                lets.insert(i)
                if visited.insert(i).inserted { collect(policy.lets[i].value.expression) }
            case .aggregate(let i):
                let spec = policy.aggregates[i]
                if spec.overOrders {
                    overOrders.insert(i)
                    if let f = spec.filter { collect(f) }
                }
                if let a = spec.argument { collect(a.expression) }
            case .segment(let s): for c in policy.segments[s].cases { if let cond = c.condition { collect(cond) } }
            default: b.children.forEach(collect)
            }
        }
        for segment in policy.segments { for c in segment.cases { if let cond = c.condition { collect(cond) } } }
        for rule in policy.rules {
            collect(rule.condition)
            for action in rule.actions {
                if let v = action.value { collect(v.expression) }
                if let m = action.message { collect(m) }
                if case .dynamic(let c)? = action.channel { collect(c) }
            }
        }
        var result: [(String, String, String?)] = []
        for slot in fields.sorted() {
            let field = policy.schema.fields[slot]
            result.append((field.name, shown(evaluator.table.value(slot, row), type: field.type.valueType), nil))
        }
        if policy.orders != nil {
            let count = evaluator.aggregates.orders.map { row < $0.customerCount ? $0.count(of: row) : 0 } ?? 0
            result.append(("orders", "\(count)", nil))
            // An aggregate that is a let's whole definition is shown as that let.
            let letDefinitions = Set(lets.map { policy.lets[$0].value.expression })
            for i in overOrders.sorted() where !letDefinitions.contains(.aggregate(i)) {
                let spec = policy.aggregates[i]
                result.append((spec.span.text, shown(evaluator.aggregates.value(i, row: row), type: spec.type), nil))
            }
        }
        for i in lets.sorted() {
            let spec = policy.lets[i]
            let definition = loaded.declarations.lazy.compactMap { d -> String? in
                if case .let(let l) = d, l.name.text == spec.name { return l.value.span.text } else { return nil }
            }.first
            result.append((spec.name, shown(evaluator.letValue(i, row: row), type: spec.value.type), definition))
        }
        return result
    }

    func shown(_ value: Value, type: ValueType?) -> String {
        if case .none = value { return "none" }
        if let type { return program.formatter.text(value, as: type) }
        switch value {
        case .text(let t): return "\"\(t)\""
        case .label(let i):
            // A label's segment is not known here; show its index's name where unique.
            let names = Set(program.policy.segments.compactMap { $0.labels.indices.contains(i) ? $0.labels[i] : nil })
            return names.count == 1 ? names.first! : "label \(i)"
        default: return program.formatter.text(value, as: .number)
        }
    }
}
