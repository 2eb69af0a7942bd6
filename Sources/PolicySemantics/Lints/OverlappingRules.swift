import PolicySyntax

/// W0102: two rules that can give the same customer an action of a kind that has no
/// `resolve` line, so both are kept (two discounts, two contacts on one day).
///
/// Only the kinds where one value per customer is the norm are checked: discount,
/// gift, points, credit and contact. Alerts and tags are labels; several at once is
/// what they are for. Rules count as able to fire together unless their conditions
/// can be shown to exclude each other (`orders < 10` and `orders >= 10`,
/// `tier = Gold` and `tier = Silver`).
///
/// A rule is compared with the `Conditions.window` nearest earlier rules giving the
/// same kind, and names at most `named` of them: comparing every pair would make
/// `policy check` quadratic in the number of rules.
enum OverlappingRules {
    static let kinds: [ActionKind] = [.discount, .gift, .points, .credit, .contact]
    /// How many earlier rules a warning names; any more are "others".
    static let named = 4

    static func lint(_ context: LintContext, into bag: inout DiagnosticBag) {
        let rules = context.policy.rules
        guard context.rules.count == rules.count else { return }
        let firing = context.firing
        for kind in kinds where context.policy.resolutions[kind] == nil {
            let giving = rules.indices.filter { r in rules[r].actions.contains { $0.kind == kind } }
            for (position, j) in giving.enumerated() {
                // The nearest earlier rules that can fire with this one: one more than
                // are named, to know whether there are others.
                var partners: [Int] = []
                for i in giving[..<position].suffix(Conditions.window).reversed()
                where Conditions.canHoldTogether(firing[i], firing[j]) {
                    partners.insert(i, at: 0)
                    if partners.count > named { break }
                }
                guard !partners.isEmpty else { continue }
                let name = LintContext.quoted(rules[j].name)
                let names = partners.suffix(named).map { LintContext.quoted(rules[$0].name) }
                let message = partners.count == 1
                    ? "rules \(names[0]) and \(name) can both give one customer \(noun(kind))"
                    : "rule \(name) can give one customer \(noun(kind)) together with rule "
                        + (partners.count <= named ? LintContext.list(names, or: true) : names.joined(separator: ", ") + " or others")
                bag.warning(.overlappingRules, message,
                            at: context.rules[j].nameSpan, help: help(kind))
            }
        }
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
