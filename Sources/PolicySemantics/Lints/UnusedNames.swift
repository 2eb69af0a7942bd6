import PolicySyntax

/// W0103: a field or let that nothing uses. Used means reached from a segment, a rule
/// (condition, action value, message, contact channel, `within`) or a test's `expect`
/// line, directly or through lets; the key field always counts as used. A value given
/// to a field in a test's customer record is data, not a use.
///
/// Only names declared in the file being checked are reported: a `use`d file is
/// shared, and its fields and lets may serve the other policies that use it. So is a
/// file that declares no segment, rule or test, which could use nothing itself: it is
/// written to be `use`d (a shared customer schema), and is not reported either.
enum UnusedNames {
    /// The fields and lets an expression refers to, directly.
    struct References {
        var fields: Set<Int> = []
        var lets: Set<Int> = []
    }

    static func lint(_ context: LintContext, into bag: inout DiagnosticBag) {
        guard let main = context.program.files.first, main.declarations.contains(where: \.usesNames) else { return }
        let policy = context.policy
        var roots = References()
        roots.fields.insert(policy.schema.keySlot)
        for segment in policy.segments {
            for c in segment.cases { if let condition = c.condition { collect(condition, policy, into: &roots) } }
        }
        for rule in policy.rules {
            collect(rule.condition, policy, into: &roots)
            if case .onceFor(let occasion)? = rule.modifier { collect(occasion.expression, policy, into: &roots) }
            for action in rule.actions {
                for bound in [action.value?.expression, action.message, action.within].compactMap({ $0 }) {
                    collect(bound, policy, into: &roots)
                }
                if case .dynamic(let bound)? = action.channel { collect(bound, policy, into: &roots) }
            }
        }
        for test in policy.tests {
            for expectation in test.expectations {
                if case .condition(let bound) = expectation.form { collect(bound, policy, into: &roots) }
            }
        }

        // Lets reached from the roots, and what they reach in turn.
        let letReferences = policy.lets.map { spec -> References in
            var r = References()
            collect(spec.value.expression, policy, into: &r)
            return r
        }
        var used = roots
        var pending = Array(roots.lets)
        while let next = pending.popLast() {
            for field in letReferences[next].fields { used.fields.insert(field) }
            for other in letReferences[next].lets where used.lets.insert(other).inserted { pending.append(other) }
        }

        // Who refers to each name, for the messages (one pass, not one per unused name).
        var fieldUsers: [Int: [Int]] = [:], letUsers: [Int: [Int]] = [:]
        for (user, r) in letReferences.enumerated() {
            for field in r.fields { fieldUsers[field, default: []].append(user) }
            for other in r.lets where other != user { letUsers[other, default: []].append(user) }
        }
        for (slot, field) in policy.schema.fields.enumerated() where !used.fields.contains(slot) {
            guard let span = field.span, context.inMainFile(span) else { continue }
            let users = fieldUsers[slot] ?? []
            bag.warning(.unusedName, message("field", field.name, users: users.map { policy.lets[$0].name }), at: span,
                        help: users.isEmpty
                            ? "remove it from the customer block (columns the policy does not declare are ignored), or use it in a rule"
                            : "use those lets in a rule, or remove them and this field")
        }
        for (index, spec) in policy.lets.enumerated() where !used.lets.contains(index) && context.inMainFile(spec.span) {
            let users = letUsers[index] ?? []
            bag.warning(.unusedName, message("let", spec.name, users: users.map { policy.lets[$0].name }), at: spec.span,
                        help: users.isEmpty ? "remove it, or use it in a condition or a message"
                                            : "use those lets in a rule, or remove them and this let")
        }
    }

    static func message(_ what: String, _ name: String, users: [String]) -> String {
        if users.isEmpty { return "the \(what) `\(name)` is never used" }
        let names = LintContext.list(users.map { "`\($0)`" })
        return "the \(what) `\(name)` is only used by \(users.count == 1 ? "the let" : "the lets") \(names), which \(users.count == 1 ? "is" : "are") never used"
    }

    /// Adds the fields and lets `bound` refers to, looking inside aggregates but not
    /// inside lets (their own references are followed separately).
    static func collect(_ bound: CheckedExpression, _ policy: CheckedPolicy, into r: inout References) {
        switch bound {
        case .field(let slot): r.fields.insert(slot)
        case .letValue(let index): r.lets.insert(index)
        case .aggregate(let index):
            if let argument = policy.aggregates[index].argument { collect(argument.expression, policy, into: &r) }
            if let filter = policy.aggregates[index].filter { collect(filter, policy, into: &r) }
        default:
            for x in bound.children { collect(x, policy, into: &r) }
        }
    }
}

private extension Declaration {
    /// A segment, rule or test: what can use a field or let.
    var usesNames: Bool {
        switch self {
        case .segment, .rule, .test: true
        case .title, .use, .customer, .orders, .let, .resolve, .limit, .holdout: false
        }
    }
}
