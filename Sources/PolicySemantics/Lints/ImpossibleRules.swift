import PolicySyntax

/// W0105: a rule whose condition can never hold (`spend >= 100 and spend < 50`), so
/// it never fires; W0108 besides, at its quota or budget, which never applies. The reasoning is the one that finds a segment label whose own
/// condition never holds (W0101): `Conditions.neverHolds` of the condition's form.
enum ImpossibleRules {
    static func lint(_ context: LintContext, into bag: inout DiagnosticBag) {
        let rules = context.policy.rules
        guard context.rules.count == rules.count else { return }
        for (index, rule) in rules.enumerated() where Conditions.neverHolds(context.firing[index]) {
            let declaration = context.rules[index]
            bag.warning(.impossibleRule,
                        "rule \(LintContext.quoted(rule.name)) can never fire: \(LintContext.neverHoldsReason(declaration.condition))",
                        at: declaration.nameSpan, help: LintContext.neverHoldsHelp)
            if let quota = declaration.quota {
                let what = quota.form == .customers ? "quota" : "budget"
                bag.warning(.quotaNeverApplies, "the \(what) of rule \(LintContext.quoted(rule.name)) never applies: the rule can never fire",
                            at: quota.span, help: "fix the rule's condition, or remove the \(what) with the rule")
            }
        }
    }
}
