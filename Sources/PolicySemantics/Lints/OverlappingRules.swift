import PolicySyntax

/// W0102: two rules that can give the same customer an action of a kind that has no
/// `resolve` line, so both are kept (two discounts, two contacts on one day).
///
/// Only the kinds where one value per customer is the norm are checked: discount,
/// gift, points, credit and contact. Alerts and tags are labels; several at once is
/// what they are for. Rules count as able to fire together unless their conditions
/// can be shown to exclude each other (`orders < 10` and `orders >= 10`,
/// `tier = Gold` and `tier = Silver`).
enum OverlappingRules {
    static let kinds: [ActionKind] = [.discount, .gift, .points, .credit, .contact]

    static func lint(_ context: LintContext, into bag: inout DiagnosticBag) {
        let rules = context.policy.rules
        guard context.rules.count == rules.count else { return }
        let conditions = context.conditions
        let firing = rules.map { conditions.form($0.condition, .isTrue) }
        for kind in kinds where context.policy.resolutions[kind] == nil {
            let giving = rules.indices.filter { r in rules[r].actions.contains { $0.kind == kind } }
            for (position, j) in giving.enumerated() {
                let partners = giving[..<position].filter { i in !excludes(firing[i], firing[j]) }
                guard !partners.isEmpty else { continue }
                let name = LintContext.quoted(rules[j].name)
                let message = partners.count == 1
                    ? "rules \(LintContext.quoted(rules[partners[0]].name)) and \(name) can both give one customer \(noun(kind))"
                    : "rule \(name) can give one customer \(noun(kind)) together with rule "
                        + LintContext.list(partners.map { LintContext.quoted(rules[$0].name) }, or: true)
                bag.warning(.overlappingRules, message,
                            at: context.rules[j].nameSpan, help: help(kind))
            }
        }
    }

    /// True only when no customer can satisfy both (an unknown form proves nothing).
    static func excludes(_ a: Conditions.Form, _ b: Conditions.Form) -> Bool {
        guard let a, let b else { return false }
        for x in a {
            for y in b where Conditions.satisfiable(x + y) { return false }
        }
        return true
    }

    static func noun(_ kind: ActionKind) -> String {
        switch kind {
        case .discount: "a discount"
        case .gift: "a gift"
        case .points: "points"
        case .credit: "credit terms"
        case .contact: "a contact"
        case .alert: "an alert"
        case .tag: "a tag"
        }
    }

    static func help(_ kind: ActionKind) -> String {
        let line: String
        switch kind {
        case .discount: line = "`resolve discount by best` to keep the largest (or `by sum max 30%` to add them up)"
        case .points: line = "`resolve points by best` to keep the largest (or `by sum` to add them up)"
        case .credit: line = "`resolve credit by best` to keep the longest terms"
        case .gift: line = "`resolve gift by first` to keep the highest-priority gift"
        case .contact: line = "`resolve contact by first` to keep the highest-priority contact (or `by first per channel`)"
        case .alert, .tag: line = "`resolve \(kind.rawValue) by first`"
        }
        return "add \(line), or make the conditions exclude each other"
    }
}
