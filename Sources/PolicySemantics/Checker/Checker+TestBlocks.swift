import PolicyValues
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
            records.append(checkTestRecord(record, schema: schema, what: "customer"))
        }
        var orders: [TestRecord] = []
        if let orderSchema {
            orders = d.orders.map { checkTestRecord($0, schema: orderSchema, what: "order") }
        } else {
            for place in d.orders.map(\.span) + d.orderFiles.map(\.span) {
                diagnostics.error(.invalidTest, "this policy has no orders block, so a test has no orders to give", at: place,
                                  help: "declare the orders' fields in an `orders { ... }` block")
            }
        }
        var expectations: [TestExpectation] = []
        for expectation in d.expectations {
            if let checked = checkExpectation(expectation) { expectations.append(checked) }
        }
        var test = TestSpec(name: d.name, asOf: asOf, customers: records, customerFiles: d.customerFiles,
                            expectations: expectations, span: d.span, sent: d.sent.compactMap { checkSent($0) })
        test.orders = orders
        test.orderFiles = orderSchema == nil ? [] : d.orderFiles
        return test
    }

    /// A `sent { ... }` record: `customer`, `rule` and `as_of` are required; `action`,
    /// `channel` and `occasion` default to the rule's; the other output columns may be given.
    mutating func checkSent(_ record: TestCustomer) -> SentRecord? {
        let keys = ["customer", "rule", "action", "value", "channel", "due", "severity", "message", "as_of", "occasion"]
        var texts: [String: String] = [:]
        var asOf: CivilDate? = nil
        for (name, expression) in record.values {
            guard keys.contains(name.text) else {
                diagnostics.error(.invalidTest, "a `sent` record has no `\(name.text)`", at: name.span,
                                  help: Suggest.closest(to: name.text, among: keys).map { "did you mean `\($0)`?" }
                                    ?? "its columns are those of the history: \(keys.joined(separator: ", "))")
                continue
            }
            if name.text == "as_of" {
                guard case .date(let y, let m, let d) = expression.kind, let date = CivilDate(year: y, month: m, day: d) else {
                    diagnostics.error(.invalidTest, "`as_of` takes a date, as in as_of: 2026-11-20", at: expression.span)
                    return nil
                }
                asOf = date
            } else if case .name(let word) = expression.kind {
                texts[name.text] = word.text
            } else if let literal = SchemaBuilder.constant(expression), let value = literal.value {
                texts[name.text] = switch value {
                case .text(let t): t
                case .number(let n): n.description
                case .date(let d): d.iso
                case .duration(let d): d.text
                case .bool(let b): b ? "true" : "false"
                case .none, .label: ""
                }
            } else {
                diagnostics.error(.invalidTest, "`\(name.text)` takes a constant, as in \(name.text): \"...\"", at: expression.span)
                return nil
            }
        }
        guard let customer = texts["customer"], let ruleName = texts["rule"], let asOf else {
            diagnostics.error(.invalidTest, "a `sent` record names its `customer`, `rule` and `as_of`", at: record.span,
                              help: "write sent { customer: \"T1\", rule: \"Birthday\", as_of: 2026-11-20 }")
            return nil
        }
        guard let rule = ruleDeclarationsByName[ruleName] else {
            diagnostics.error(.unknownRule, "no rule is named \"\(ruleName)\"", at: record.span,
                              help: Suggest.closest(to: ruleName, among: ruleNames).map { "did you mean \"\($0)\"?" })
            return nil
        }
        var channel = ""
        if case .contact(let name, _, _)? = rule.actions.first?.form, Checker.channels.contains(name.text) { channel = name.text }
        return SentRecord(customer: customer, rule: ruleName, action: texts["action"] ?? rule.actions.first?.kind.rawValue ?? "",
                          channel: texts["channel"] ?? channel, asOf: asOf, occasion: texts["occasion"] ?? "", span: record.span)
    }

    /// A record's values must be constants of their fields' types, and every required
    /// field (no `?`, no default) must be given.
    mutating func checkTestRecord(_ record: TestCustomer, schema: Schema, what: String) -> TestRecord {
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
            diagnostics.error(.invalidTest, "this test \(what) has no \(names), which \(missing.count == 1 ? "is" : "are") required",
                              at: record.span, help: "give every field that has no `?` and no default")
        }
        return TestRecord(values: values, span: record.span)
    }

    mutating func checkExpectation(_ e: Expectation) -> TestExpectation? {
        let customer = e.customer?.id
        switch e.form {
        case .suppressed(let kind, let value):
            // The value is checked as `expect KIND VALUE` checks it.
            var asAction = e
            asAction.form = .action(kind, value: value)
            guard let checked = checkExpectation(asAction),
                  case .action(let k, let v) = checked.form else { return nil }
            return TestExpectation(customer: customer, form: .suppressed(k, v), span: e.span)
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
