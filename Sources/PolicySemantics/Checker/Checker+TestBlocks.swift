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
        var records: [TestRecord] = []
        for record in d.customers {
            records.append(checkTestRecord(record))
        }
        var expectations: [TestExpectation] = []
        for expectation in d.expectations {
            if let checked = checkExpectation(expectation) { expectations.append(checked) }
        }
        return TestSpec(name: d.name, asOf: asOf, customers: records, customerFiles: d.customerFiles,
                        expectations: expectations, span: d.span)
    }

    /// A record's values must be constants of their fields' types, and every required
    /// field (no `?`, no default) must be given.
    mutating func checkTestRecord(_ record: TestCustomer) -> TestRecord {
        var values: [(slot: Int, value: Literal)] = []
        // A field written with a wrong value is reported once, not also as missing.
        var given = Set<Int>()
        for (name, expression) in record.values {
            guard let slot = schema.slot(named: name.text) else {
                diagnostics.error(.unknownName, "unknown field `\(name.text)`", at: name.span,
                                  help: Suggest.closest(to: name.text, among: schema.fields.map(\.name)).map { "did you mean `\($0)`?" })
                continue
            }
            given.insert(slot)
            let field = schema.fields[slot]
            guard let literal = SchemaBuilder.literal(expression, for: field, what: "test value", diagnostics: &diagnostics) else { continue }
            if let allowed = field.allowed, literal != .none, !allowed.contains(literal) {
                diagnostics.error(.fieldValueType, "`\(expression.span.text)` is not one of the values `\(field.name)` allows", at: expression.span)
            }
            values.append((slot, literal))
        }
        let missing = schema.fields.indices.filter { slot in
            let f = schema.fields[slot]
            return !given.contains(slot) && !f.optional && f.defaultValue == nil
        }
        if !missing.isEmpty {
            let names = missing.map { "`\(schema.fields[$0].name)`" }.joined(separator: ", ")
            diagnostics.error(.invalidTest, "this test customer has no \(names), which \(missing.count == 1 ? "is" : "are") required",
                              at: record.span, help: "give every field that has no `?` and no default")
        }
        return TestRecord(values: values, span: record.span)
    }

    mutating func checkExpectation(_ e: Expectation) -> TestExpectation? {
        let customer = e.customer?.id
        switch e.form {
        case .label(let segmentName, let label):
            guard case .segment(let s)? = names[segmentName.text] else {
                let segmentNames = segmentDeclarations.map(\.name.text)
                diagnostics.error(.unknownName, "unknown segment `\(segmentName.text)`", at: segmentName.span,
                                  help: Suggest.closest(to: segmentName.text, among: segmentNames).map { "did you mean `\($0)`?" })
                return nil
            }
            if label.text == "none" {
                return TestExpectation(customer: customer, form: .label(segment: s, label: nil), span: e.span)
            }
            guard let index = labelIndexes[s][label.text] else {
                diagnostics.error(.unknownLabel, "`\(label.text)` is not a label of segment `\(segmentName.text)`", at: label.span,
                                  help: Suggest.closest(to: label.text, among: segmentLabels[s]).map { "did you mean `\($0)`?" })
                return nil
            }
            return TestExpectation(customer: customer, form: .label(segment: s, label: index), span: e.span)
        case .action(let kind, let value):
            guard let value else { return TestExpectation(customer: customer, form: .action(kind, nil), span: e.span) }
            if kind == .alert {
                if case .name(let n) = value.kind {
                    return TestExpectation(customer: customer, form: .action(kind, .name(n.text)), span: e.span)
                }
                diagnostics.error(.invalidTest, "`expect alert` takes the alert's name, as in expect alert churn_risk", at: value.span)
                return nil
            }
            guard let literal = SchemaBuilder.constant(value) else {
                diagnostics.error(.invalidTest, "an expected value must be a constant", at: value.span)
                return nil
            }
            let fits: Bool
            switch kind {
            case .discount, .points: fits = literal.type.isNumeric
            case .credit: fits = literal.type == .duration
            default: fits = literal.type == .text
            }
            if !fits {
                diagnostics.error(.invalidTest, "`\(e.span.text)` expects a value \(kind.rawValue) never has", at: value.span)
                return nil
            }
            return TestExpectation(customer: customer, form: .action(kind, .literal(literal)), span: e.span)
        case .noAction(let kind):
            return TestExpectation(customer: customer, form: .noAction(kind), span: e.span)
        case .condition(let expression):
            return TestExpectation(customer: customer, form: .condition(checkCondition(expression)), span: e.span)
        }
    }
}
