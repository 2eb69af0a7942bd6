/// The layout of `test` blocks: one item per line, in the order written.
extension Layout {
    /// One item of a test block. The tree keeps items by kind; their spans give
    /// back the order they were written in.
    private enum TestItem {
        case asOf(Expression)
        case record(TestCustomer, word: String)
        case file(SourceSpan, word: String)
        case expectation(Expectation)

        var start: Int {
            switch self {
            case .asOf(let e): e.span.start
            case .record(let r, _): r.span.start
            case .file(let span, _): span.start
            case .expectation(let e): e.span.start
            }
        }
    }

    mutating func layOutTest(_ test: TestDeclaration) {
        let name = token(at: test.span.start, 1)
        let open = token(at: name.end)
        lines.append(FormatLine(indent: 0, "test " + text(name) + " {", source: test.span.start..<open.end))
        let group = newGroup()
        var items: [TestItem] = test.asOf.map { [.asOf($0)] } ?? []
        items += test.customers.map { .record($0, word: "customer") }
        items += test.orders.map { .record($0, word: "order") }
        items += test.sent.map { .record($0, word: "sent") }
        items += test.customerFiles.map { .file($0.span, word: "customers") }
        items += test.orderFiles.map { .file($0.span, word: "orders") }
        items += test.expectations.map { .expectation($0) }
        for item in items.sorted(by: { $0.start < $1.start }) {
            switch item {
            case .asOf(let date):
                let keyword = token(at: date.span.start, -2)
                lines.append(FormatLine(indent: 2, "as of " + print(date), source: keyword.start..<date.span.end, group: group))
            case .record(let record, let word):
                layOutRecord(record, word: word, group: group)
            case .file(let span, let word):
                lines.append(FormatLine(indent: 2, word + " " + span.text, source: token(before: span.start).start..<span.end, group: group))
            case .expectation(let expectation):
                lines.append(FormatLine(indent: 2, expectationText(expectation),
                                        source: expectation.span.start..<expectation.span.end, group: group))
            }
        }
        closeBlock(test.span)
    }

    /// `customer { a: 1, b: 2 }`, keeping the author's line breaks between fields;
    /// continuation lines line up under the first field.
    private mutating func layOutRecord(_ record: TestCustomer, word: String, group: Int) {
        let keyword = token(before: record.span.start)
        let opening = word + " { "
        guard !record.values.isEmpty else {
            lines.append(FormatLine(indent: 2, word + " {}", source: keyword.start..<record.span.end, group: group))
            return
        }
        var pieces: [String] = []
        var indent = 2
        var start = keyword.start
        for (i, field) in record.values.enumerated() {
            if i > 0, token(at: field.name.span.start).startsLine {
                let end = endIncludingComma(record.values[i - 1].value.span.end)
                lines.append(FormatLine(indent: indent, (indent == 2 ? opening : "") + pieces.joined(separator: " "),
                                        source: start..<end, group: group))
                pieces = []
                indent = 2 + opening.count
                start = field.name.span.start
            }
            let last = i == record.values.count - 1
            pieces.append(field.name.span.text + ": " + print(field.value) + (last ? " }" : ","))
        }
        lines.append(FormatLine(indent: indent, (indent == 2 ? opening : "") + pieces.joined(separator: " "),
                                source: start..<record.span.end, group: group))
    }

    private func expectationText(_ expectation: Expectation) -> String {
        var out = "expect"
        if let customer = expectation.customer { out += " customer " + customer.span.text }
        switch expectation.form {
        case .label(let segment, let label):
            out += " " + segment.span.text + " " + label.span.text
        case .action(let kind, let value):
            out += " " + kind.rawValue
            if let value { out += " " + print(value) }
        case .noAction(let kind):
            out += " no " + (kind?.rawValue ?? "actions")
        case .suppressed(let kind, let value):
            out += " suppressed " + kind.rawValue
            if let value { out += " " + print(value) }
        case .condition(let condition):
            out += " " + print(condition)
        }
        return out
    }
}
