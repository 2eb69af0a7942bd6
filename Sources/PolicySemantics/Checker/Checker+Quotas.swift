import PolicyValues
import PolicySyntax

extension Checker {
    /// `limit N [customers] by EXPR [asc|desc]` takes a whole number of customers;
    /// `budget AMOUNT by EXPR` an amount, on a rule that gives amount discounts or
    /// points. EXPR orders the customers, so it is a number, a date or text.
    mutating func checkQuota(_ d: QuotaDeclaration, actions: [ActionSpec]) -> QuotaSpec? {
        let order = check(d.order)
        var ok = true
        if !(order.type.isNumeric || order.type == .date || order.type == .text || order.type.isWildcard) {
            diagnostics.error(.invalidQuota, "a quota takes the customers in the order of a number, a date or text; this is \(describe(order.type))",
                              at: d.order.span, help: "write `by total_spend desc`, `by last_order_date asc`")
            ok = false
        }
        let amount = SchemaBuilder.constant(d.amount)
        let form: QuotaSpec.Form
        switch d.form {
        case .customers:
            guard case .number(let digits)? = amount, let n = Int(digits), n >= 0 else {
                diagnostics.error(.invalidQuota, "a quota is a whole number of customers, as in limit 200 by clv desc", at: d.amount.span)
                return nil
            }
            form = .customers(n)
        case .budget:
            guard case .number(let digits)? = amount, let budget = ExactDecimal(digits), budget >= .zero else {
                diagnostics.error(.invalidQuota, "a budget is an amount written out, as in budget 5000 by clv desc", at: d.amount.span)
                return nil
            }
            if !actions.contains(where: \.givesAmount) {
                diagnostics.error(.invalidQuota, "a budget shares out amounts, and this rule gives no amount discount and no points",
                                  at: d.span, help: "give `points 200` or `discount 10`, or write `limit N by ...` to count customers")
                return nil
            }
            form = .budget(budget)
        }
        guard ok else { return nil }
        let text = (d.form == .customers ? "quota " : "budget ") + d.amount.span.text
        return QuotaSpec(form: form, order: order, ascending: d.ascending, text: text, span: d.span)
    }

    /// `holdout P% seed "TEXT" [except "Rule", ...]`: a share from 0% to 100%, one per policy.
    mutating func checkHoldout(_ declarations: [HoldoutDeclaration], rules: [RuleSpec]) -> HoldoutSpec? {
        guard let d = declarations.first else { return nil }
        for extra in declarations.dropFirst() {
            diagnostics.error(.invalidHoldout, "a policy has one holdout; this is a second one", at: extra.span,
                              help: "one control group serves every rule; name the rules it does not cover after `except`")
        }
        guard case .percent(let digits)? = SchemaBuilder.constant(d.share), let share = ExactDecimal(percent: digits),
              share >= .zero, share <= ExactDecimal(1) else {
            diagnostics.error(.invalidHoldout, "a holdout is a percentage of the customers, from 0% to 100%", at: d.share.span,
                              help: "write `holdout 5% seed \"\(d.seed.text)\"`")
            return nil
        }
        if d.seed.text.isEmpty {
            diagnostics.error(.invalidHoldout, "the seed picks who is held out, and it is empty", at: d.seed.span,
                              help: "name the campaign or the period, as in seed \"2026-h1\"")
            return nil
        }
        if share.isZero || share >= ExactDecimal(percent: "50")! {
            let what = share.isZero ? "a holdout of 0% holds nobody out, so no lift can be measured"
                : "a holdout of \(d.share.span.text) keeps most actions from the customers it is meant to serve"
            diagnostics.warning(.holdoutShare, what, at: d.share.span, help: "a control group of 5% to 10% is usual")
        }
        return HoldoutSpec(share: share, seed: d.seed.text,
                           except: ruleIndexes(d.except, rules: rules, code: .invalidHoldout), span: d.span)
    }

    /// The rules named after `except`, by index; an error for a name no rule has.
    mutating func ruleIndexes(_ names: [(name: String, span: SourceSpan)], rules: [RuleSpec], code: DiagnosticCode) -> [Int] {
        var indexes: [Int] = []
        for (name, span) in names {
            if let index = rules.firstIndex(where: { $0.name == name }) {
                indexes.append(index)
            } else {
                diagnostics.error(code, "no rule is named \"\(name)\"", at: span,
                                  help: Suggest.closest(to: name, among: rules.map(\.name)).map { "did you mean \"\($0)\"?" })
            }
        }
        return indexes
    }
}

extension ActionSpec {
    /// Gives an amount a budget can count: points, or a discount that is not a percentage.
    var givesAmount: Bool {
        kind == .points || (kind == .discount && value.map { $0.type != .percent } ?? false)
    }
}
