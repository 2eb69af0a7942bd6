import PolicySyntax

/// W0104: a rule or segment condition that can never hold for a customer whose
/// optional (`?`, no default) field is empty, and that says nothing about that field
/// being empty: no `is none`, `is not none` or `??` on it, in the condition or the
/// lets it goes through. Such customers silently never get the rule or label.
///
/// The reasoning follows three-valued logic, so `birthday_soon or vip` is not
/// reported (a customer without a birthday can still be a vip), while
/// `days_since(last_order_date) > 60 and tier = Gold` is.
enum NoneGuards {
    /// For an expression: the optional fields whose emptiness makes it none (`none`),
    /// never true (`notTrue`), never false (`notFalse`).
    struct Effect {
        var none: Set<Int> = []
        var notTrue: Set<Int> = []
        var notFalse: Set<Int> = []

        static func strict(_ fields: Set<Int>) -> Effect {
            Effect(none: fields, notTrue: fields, notFalse: fields)
        }
    }

    static func lint(_ context: LintContext, into bag: inout DiagnosticBag) {
        let policy = context.policy
        let analysis = Analysis(policy: policy)
        for (index, segment) in policy.segments.enumerated() where index < context.segments.count {
            let cases = context.segments[index].cases
            guard cases.count == segment.cases.count else { continue }
            for (position, c) in segment.cases.enumerated() {
                guard let condition = c.condition else { continue }
                let label = cases[position].label
                for field in analysis.unguarded(condition) {
                    let lets = analysis.lets(of: condition, reaching: field)
                    bag.warning(.unguardedOptional,
                                "customers with an empty `\(policy.schema.fields[field].name)`\(through(lets, policy)) never get the label `\(label.text)` of segment `\(segment.name)`",
                                at: label.span, help: help(policy.schema.fields[field], lets, policy))
                }
            }
        }
        guard context.rules.count == policy.rules.count else { return }
        for (index, rule) in policy.rules.enumerated() {
            for field in analysis.unguarded(rule.condition) {
                let lets = analysis.lets(of: rule.condition, reaching: field)
                bag.warning(.unguardedOptional,
                            "customers with an empty `\(policy.schema.fields[field].name)`\(through(lets, policy)) never get rule \(LintContext.quoted(rule.name))",
                            at: context.rules[index].nameSpan, help: help(policy.schema.fields[field], lets, policy))
            }
        }
    }

    static func through(_ lets: [Int], _ policy: CheckedPolicy) -> String {
        lets.isEmpty ? "" : " (through \(LintContext.list(lets.map { "`\(policy.lets[$0].name)`" })))"
    }

    /// Says how to be explicit, and how to give a default: on the let the condition
    /// uses when there is one (`days_inactive ?? 0` reads better than a made-up date).
    static func help(_ field: FieldSpec, _ lets: [Int], _ policy: CheckedPolicy) -> String {
        let (name, type) = lets.first.map { (policy.lets[$0].name, policy.lets[$0].value.type) }
            ?? (field.name, field.type.valueType)
        let fallback: String
        switch type {
        case .int, .number, .money, .percent: fallback = "0"
        case .text: fallback = "\"\""
        case .bool: fallback = "false"
        case .date: fallback = "today"
        case .duration: fallback = "0 days"
        default: fallback = "..."
        }
        return "if that is intended, say so: `\(field.name) is not none and ...`; otherwise give a default: `\(name) ?? \(fallback)`"
    }

    struct Analysis {
        let policy: CheckedPolicy
        /// Fields that may be none: optional and without a default.
        let optional: Set<Int>
        /// Per let, so that lets shared along many paths are analysed once.
        private let letEffects = LintMemo<Int, Effect>()
        private let letFields = LintMemo<Int, Set<Int>>()
        private let letGuards = LintMemo<Int, Set<Int>>()

        init(policy: CheckedPolicy) {
            self.policy = policy
            optional = Set(policy.schema.fields.indices.filter {
                policy.schema.fields[$0].optional && policy.schema.fields[$0].defaultValue == nil
            })
        }

        /// The fields whose emptiness stops `condition` and that it never tests for none,
        /// in slot order.
        func unguarded(_ condition: CheckedExpression) -> [Int] {
            var guarded: Set<Int> = []
            guards(condition, into: &guarded, depth: 0)
            return effect(condition, depth: 0).notTrue.subtracting(guarded).sorted()
        }

        /// The lets the condition names directly that lead to `field`.
        func lets(of condition: CheckedExpression, reaching field: Int) -> [Int] {
            var found: [Int] = []
            directLets(condition, into: &found, reaching: field)
            return found
        }

        private func directLets(_ bound: CheckedExpression, into found: inout [Int], reaching field: Int) {
            if case .letValue(let index) = bound {
                if !found.contains(index), fields(bound, depth: 0).contains(field) { found.append(index) }
                return
            }
            for child in bound.children { directLets(child, into: &found, reaching: field) }
        }

        func effect(_ bound: CheckedExpression, depth: Int) -> Effect {
            guard depth < 64 else { return Effect() }
            switch bound {
            case .field(let slot):
                return optional.contains(slot) ? .strict([slot]) : Effect()
            case .letValue(let index):
                return letEffects.value(index) { effect(policy.lets[index].value.expression, depth: depth + 1) }
            case .aggregate(let index):
                let spec = policy.aggregates[index]
                guard spec.kind.isPerCustomer, let argument = spec.argument else { return Effect() }
                return .strict(effect(argument.expression, depth: depth + 1).none)
            case .literal, .segment, .label, .today, .interpolate, .history, .orderField:
                return Effect()
            case .not(let x):
                let e = effect(x, depth: depth + 1)
                return Effect(none: e.none, notTrue: e.notFalse, notFalse: e.notTrue)
            case .and(let a, let b):
                let x = effect(a, depth: depth + 1), y = effect(b, depth: depth + 1)
                return Effect(none: x.none.intersection(y.notFalse).union(y.none.intersection(x.notFalse)),
                              notTrue: x.notTrue.union(y.notTrue),
                              notFalse: x.notFalse.intersection(y.notFalse))
            case .or(let a, let b):
                let x = effect(a, depth: depth + 1), y = effect(b, depth: depth + 1)
                return Effect(none: x.none.intersection(y.notTrue).union(y.none.intersection(x.notTrue)),
                              notTrue: x.notTrue.intersection(y.notTrue),
                              notFalse: x.notFalse.union(y.notFalse))
            case .coalesce(let a, let b):
                let x = effect(a, depth: depth + 1), y = effect(b, depth: depth + 1)
                return Effect(none: x.none.intersection(y.none), notTrue: x.none.intersection(y.notTrue),
                              notFalse: x.none.intersection(y.notFalse))
            case .conditional(_, let a, let b):
                // Whichever value is given: what makes both none makes it none.
                let x = effect(a, depth: depth + 1), y = effect(b, depth: depth + 1)
                return Effect(none: x.none.intersection(y.none), notTrue: x.notTrue.intersection(y.notTrue),
                              notFalse: x.notFalse.intersection(y.notFalse))
            case .isNone(let x, let negated):
                let none = effect(x, depth: depth + 1).none
                return negated ? Effect(none: [], notTrue: none, notFalse: []) : Effect(none: [], notTrue: [], notFalse: none)
            case .negate, .arithmetic, .compare, .between, .member, .call:
                var none: Set<Int> = []
                for child in bound.children { none.formUnion(effect(child, depth: depth + 1).none) }
                return .strict(none)
            }
        }

        /// The optional fields under every `is none`, `is not none` and left of `??`,
        /// looking through lets.
        func guards(_ bound: CheckedExpression, into guarded: inout Set<Int>, depth: Int) {
            guard depth < 64 else { return }
            switch bound {
            case .isNone(let x, _), .coalesce(let x, _):
                guarded.formUnion(fields(x, depth: depth + 1))
            case .letValue(let index):
                guarded.formUnion(letGuards.value(index) {
                    var inner: Set<Int> = []
                    guards(policy.lets[index].value.expression, into: &inner, depth: depth + 1)
                    return inner
                })
                return
            case .aggregate(let index):
                if let argument = policy.aggregates[index].argument { guards(argument.expression, into: &guarded, depth: depth + 1) }
                return
            default: break
            }
            for child in bound.children { guards(child, into: &guarded, depth: depth + 1) }
        }

        /// Every optional field `bound` depends on, through lets and per-customer aggregates.
        func fields(_ bound: CheckedExpression, depth: Int) -> Set<Int> {
            guard depth < 64 else { return [] }
            switch bound {
            case .field(let slot): return optional.contains(slot) ? [slot] : []
            case .letValue(let index): return letFields.value(index) { fields(policy.lets[index].value.expression, depth: depth + 1) }
            case .aggregate(let index):
                let spec = policy.aggregates[index]
                guard spec.kind.isPerCustomer, let argument = spec.argument else { return [] }
                return fields(argument.expression, depth: depth + 1)
            default:
                return bound.children.reduce(into: Set<Int>()) { $0.formUnion(fields($1, depth: depth + 1)) }
            }
        }
    }
}
