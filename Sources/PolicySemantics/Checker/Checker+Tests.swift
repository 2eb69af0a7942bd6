import PolicySyntax

extension Checker {
    /// Checks a test block's names, values and expectations against the policy, so
    /// a test that could never pass is an error before it is ever run.
    mutating func checkTest(_ d: TestDeclaration) -> TestSpec {
        var asOf: Literal? = nil
        if let e = d.asOf {
            if case .date(let y, let m, let day) = e.kind { asOf = .date(year: y, month: m, day: day) }
            else { diagnostics.error(.invalidTest, "`as of` takes a date, as in as of 2026-11-22", at: e.span) }
        }
        var customers: [[(slot: Int, value: Literal)]] = []
        for record in d.customers {
            var values: [(slot: Int, value: Literal)] = []
            for (name, expression) in record.values {
                guard let slot = schema.slot(named: name.text) else {
                    diagnostics.error(.unknownName, "unknown field `\(name.text)`", at: name.span,
                                      help: Suggest.closest(to: name.text, among: schema.fields.map(\.name)).map { "did you mean `\($0)`?" })
                    continue
                }
                if let literal = SchemaBuilder.literal(expression, for: schema.fields[slot], what: "test value", diagnostics: &diagnostics) {
                    values.append((slot, literal))
                }
            }
            customers.append(values)
        }
        for expectation in d.expectations {
            checkExpectation(expectation)
        }
        return TestSpec(name: d.name, asOf: asOf, customers: customers, customerFiles: d.customerFiles.map(\.path),
                        expectations: d.expectations, span: d.span)
    }

    mutating func checkExpectation(_ e: Expectation) {
        switch e.form {
        case .label(let segmentName, let label):
            guard case .segment(let s)? = names[segmentName.text] else {
                let segmentNames = segmentDeclarations.map(\.name.text)
                diagnostics.error(.unknownName, "unknown segment `\(segmentName.text)`", at: segmentName.span,
                                  help: Suggest.closest(to: segmentName.text, among: segmentNames).map { "did you mean `\($0)`?" })
                return
            }
            if !segmentLabels[s].contains(label.text), label.text != "none" {
                diagnostics.error(.unknownLabel, "`\(label.text)` is not a label of segment `\(segmentName.text)`", at: label.span,
                                  help: Suggest.closest(to: label.text, among: segmentLabels[s]).map { "did you mean `\($0)`?" })
            }
        case .action(let kind, let value):
            guard let value else { return }
            if kind == .alert {
                if case .name = value.kind { return }
                diagnostics.error(.invalidTest, "`expect alert` takes the alert's name, as in expect alert churn_risk", at: value.span)
                return
            }
            guard let literal = SchemaBuilder.constant(value) else {
                diagnostics.error(.invalidTest, "an expected value must be a constant", at: value.span)
                return
            }
            let fits: Bool
            switch kind {
            case .discount, .points: fits = literal.type.isNumeric
            case .credit: fits = literal.type == .duration
            default: fits = literal.type == .text
            }
            if !fits {
                diagnostics.error(.invalidTest, "`\(e.span.text)` expects a value \(kind.rawValue) never has", at: value.span)
            }
        case .noAction:
            break
        case .condition(let expression):
            _ = checkCondition(expression)
        }
    }
}
