import PolicySyntax

/// W0101: a segment label no customer can get, because every customer its condition
/// matches already matched an earlier label (`Gold when spend >= 500` before
/// `Platinum when spend >= 1000`; anything after `when true`; a repeated condition).
enum UnreachableLabels {
    static func lint(_ context: LintContext, into bag: inout DiagnosticBag) {
        for (index, segment) in context.policy.segments.enumerated() {
            guard index < context.segments.count else { return }
            lint(segment, context.segments[index], context, into: &bag)
        }
    }

    static func lint(_ segment: SegmentSpec, _ declaration: SegmentDeclaration, _ context: LintContext,
                     into bag: inout DiagnosticBag) {
        let conditions = context.conditions
        let cases = declaration.cases
        guard cases.count == segment.cases.count else { return }
        for j in cases.indices {
            guard let condition = segment.cases[j].condition else { continue }
            let label = cases[j].label
            let earlier = (0..<j).compactMap { i in segment.cases[i].condition.map { (i, $0) } }
            guard !earlier.isEmpty else { continue }
            // Those who reach label j: its condition true, every earlier one not true.
            var reaching = conditions.form(condition, .isTrue)
            for (_, other) in earlier {
                reaching = conditions.product(reaching, conditions.form(other, .notTrue))
                if reaching?.isEmpty ?? true { break }
            }
            guard let reaching, reaching.isEmpty else { continue }
            let name = "`\(label.text)` of segment `\(segment.name)`"
            let key = Conditions.key(condition)
            if let same = earlier.first(where: { Conditions.key($0.1) == key }) {
                bag.warning(.unreachableLabel,
                            "the label \(name) is never chosen: `\(cases[same.0].label.text)` above has the same condition",
                            at: label.span, help: "remove one of the two, or change this condition")
                continue
            }
            let alone = earlier.first { _, other in
                conditions.product(conditions.form(condition, .isTrue), conditions.form(other, .notTrue))?.isEmpty ?? false
            }
            let covering = alone.map { [$0.0] } ?? earlier.map(\.0)
            let labels = LintContext.list(covering.map { "`\(cases[$0].label.text)`" })
            bag.warning(.unreachableLabel,
                        "the label \(name) is never chosen: every customer it matches already gets \(labels)",
                        at: label.span,
                        help: "the first label that matches wins; move `\(label.text)` above \(labels), or narrow \(covering.count == 1 ? "that condition" : "those conditions")")
        }
    }
}
