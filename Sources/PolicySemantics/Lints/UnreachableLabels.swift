import PolicySyntax

/// W0101: a segment label no customer can get. Either its own condition never holds
/// (`Bad when spend >= 100 and spend < 50`), or every customer it matches already
/// matched an earlier label (`Gold when spend >= 500` before
/// `Platinum when spend >= 1000`; anything after `when true`; a repeated condition).
/// Only the second is "covered by" earlier labels.
///
/// The customers that no earlier label took are kept as one form, narrowed label by
/// label, so that a segment of n labels costs n small products rather than n²
/// comparisons (a generated segment may have tens of thousands of labels). When that
/// form grows past `remainingSize` alternatives it is widened (`Conditions.widened`):
/// it then proves less, never more. So that widening costs nothing in the segments
/// people write, a label among the first `Conditions.window` that the widened form
/// leaves reachable is also compared with each earlier label, exactly, as before.
enum UnreachableLabels {
    static func lint(_ context: LintContext, into bag: inout DiagnosticBag) {
        for (index, segment) in context.policy.segments.enumerated() {
            guard index < context.segments.count else { return }
            lint(segment, context.segments[index], context, into: &bag)
        }
    }

    /// How many alternatives the form of the customers no earlier label took may have.
    static let remainingSize = 8

    /// A label that can be reached, as later labels see it.
    struct Earlier {
        var position: Int
        /// The customers its condition matches, and those it leaves to later labels.
        var matching: Conditions.Form
        var notTrue: Conditions.Form
    }

    static func lint(_ segment: SegmentSpec, _ declaration: SegmentDeclaration, _ context: LintContext,
                     into bag: inout DiagnosticBag) {
        let conditions = context.conditions
        let cases = declaration.cases
        guard cases.count == segment.cases.count else { return }
        // The customers no earlier label took, or more once `widened`: never fewer.
        var remaining: [Conditions.Conjunction] = [.always]
        var widened = false
        // The first reachable labels (explanations and exact checks look no further),
        // and how many there are in all.
        var earlier: [Earlier] = []
        var reachable = 0
        // Per condition (by shape), the first label that has it.
        var firstWith: [CheckedExpression: Int] = [:]
        for j in cases.indices {
            guard let condition = segment.cases[j].condition, let written = cases[j].condition else { continue }
            let label = cases[j].label
            let name = "`\(label.text)` of segment `\(segment.name)`"
            let same = firstWith[condition]
            if same == nil { firstWith[condition] = j }

            let matching = conditions.form(condition, .isTrue)
            if Conditions.neverHolds(matching) {
                bag.warning(.unreachableLabel,
                            "the label \(name) can never be given: \(LintContext.neverHoldsReason(written))",
                            at: label.span, help: LintContext.neverHoldsHelp)
                continue
            }
            // No customer it matches is left by the labels above.
            if reachable > 0, !Conditions.canHoldTogether(matching, remaining)
                || widened && reachable < Conditions.window && noneReach(matching, earlier, conditions) {
                if let same {
                    bag.warning(.unreachableLabel,
                                "the label \(name) is never chosen: `\(cases[same].label.text)` above has the same condition",
                                at: label.span, help: "remove one of the two, or change this condition")
                } else {
                    reportCovered(label, name, matching, earlier, complete: reachable <= Conditions.window, cases, conditions,
                                  into: &bag)
                }
                // Its customers are taken above: the labels below lose nothing more to it.
                continue
            }
            let notTrue = conditions.form(condition, .notTrue)
            // A condition too complex to read leaves `remaining` as large as it was.
            if let narrowed = conditions.product(remaining, notTrue, limit: .max) {
                remaining = conditions.widened(narrowed, to: Self.remainingSize)
                widened = widened || remaining != narrowed
            }
            if reachable < Conditions.window { earlier.append(Earlier(position: j, matching: matching, notTrue: notTrue)) }
            reachable += 1
        }
    }

    /// Whether the earlier labels, taken one by one, leave none of the customers a
    /// label matches (the exact check, for the first labels of a segment).
    static func noneReach(_ matching: Conditions.Form, _ earlier: [Earlier], _ conditions: Conditions) -> Bool {
        var reaching = matching
        for other in earlier {
            reaching = conditions.product(reaching, other.notTrue)
            guard let known = reaching else { return false }
            if known.isEmpty { return true }
        }
        return false
    }

    /// Names the earlier labels that take a label's customers: one that takes them all
    /// when there is one, otherwise those that take some. `earlier` holds the first
    /// reachable labels; `complete` says whether they are all of them.
    static func reportCovered(_ label: Name, _ name: String, _ matching: Conditions.Form, _ earlier: [Earlier],
                              complete: Bool, _ cases: [SegmentCase], _ conditions: Conditions, into bag: inout DiagnosticBag) {
        let covering: [Int]
        var complete = complete
        if let alone = earlier.first(where: { conditions.product(matching, $0.notTrue)?.isEmpty ?? false }) {
            covering = [alone.position]
            complete = true
        } else {
            covering = earlier.filter { Conditions.canHoldTogether($0.matching, matching) }.map(\.position)
        }
        // All of them named when they are few and known; otherwise the first few.
        let listed = complete && (1...3).contains(covering.count)
        let names = covering.prefix(3).map { "`\(cases[$0].label.text)`" }
        let labels = listed ? LintContext.list(names)
            : names.isEmpty ? "a label above" : "a label above (" + names.joined(separator: ", ") + ", ...)"
        let move = listed ? "above \(labels)" : "higher"
        let narrow = listed && covering.count == 1 ? "that condition" : "those conditions"
        bag.warning(.unreachableLabel,
                    "the label \(name) is never chosen: every customer it matches already gets \(labels)",
                    at: label.span,
                    help: "the first label that matches wins; move `\(label.text)` \(move), or narrow \(narrow)")
    }
}
