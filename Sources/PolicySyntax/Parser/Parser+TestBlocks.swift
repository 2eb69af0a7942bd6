extension Parser {
    /// test_decl = "test" string "{" { test_item } "}"
    /// test_item = "as" "of" expression | "customer" record | "customers" string | "order" record
    ///           | "orders" string | "sent" record | expectation
    mutating func parseTest() throws -> TestDeclaration {
        let start = advance()
        let name = try readPlainString("the test's name in quotes")
        try expect(.leftBrace, "`{` to open the test")
        var test = TestDeclaration(name: name.text, span: name.span, asOf: nil, customers: [], customerFiles: [], expectations: [])
        while current.kind != .rightBrace, current.kind != .end {
            let before = index
            if consumeWord("as") != nil {
                try expectWord("of", help: "write `as of 2026-11-22`")
                test.asOf = try parseExpression()
            } else if isWord("customer") {
                advance()
                test.customers.append(try parseTestRecord())
            } else if isWord("sent"), peek().kind == .leftBrace {
                advance()
                test.sent.append(try parseTestRecord())
            } else if consumeWord("customers") != nil {
                let file = try readPlainString("a customer file's path in quotes")
                test.customerFiles.append((file.text, file.span))
            } else if isWord("order"), peek().kind == .leftBrace {
                advance()
                test.orders.append(try parseTestRecord())
            } else if isWord("orders"), peek().kind == .string {
                advance()
                let file = try readPlainString("an orders file's path in quotes")
                test.orderFiles.append((file.text, file.span))
            } else if isWord("expect") {
                test.expectations.append(try parseExpectation())
            } else {
                throw fail("expected `as of`, `customer`, `customers`, `order`, `orders`, `sent` or `expect` in the test, found \(describe(current))",
                           code: .invalidTest)
            }
            if index == before { advance() }
        }
        try expect(.rightBrace, "`}` to close the test")
        test.span = span(from: start)
        return test
    }

    /// record = "{" [ name ":" expression { "," name ":" expression } [","] ] "}"
    mutating func parseTestRecord() throws -> TestCustomer {
        let open = try expect(.leftBrace, "`{` to open the record")
        var values: [(Name, Expression)] = []
        while current.kind != .rightBrace {
            let name = try parseName("a field name")
            try expect(.colon, "`:` after `\(name.text)`", help: "write `\(name.text): value`")
            values.append((name, try parseExpression()))
            if consume(.comma) == nil { break }
        }
        try expect(.rightBrace, "`,` or `}` in the record")
        return TestCustomer(values: values, span: span(from: open))
    }

    /// expectation = "expect" [ "customer" string ]
    ///               ( "no" ( "actions" | action_kind ) | action_kind [ expression ]
    ///               | name name | expression )
    mutating func parseExpectation() throws -> Expectation {
        let start = advance()
        var customer: (String, SourceSpan)? = nil
        if isWord("customer"), peek().kind == .string {
            advance()
            let id = try readPlainString("the customer's id")
            customer = (id.text, id.span)
        }
        let form: Expectation.Form
        if isWord("no"), peek().kind == .identifier {
            advance()
            if consumeWord("actions") != nil {
                form = .noAction(nil)
            } else {
                let word = text(current)
                guard let kind = ActionKind(rawValue: word) else {
                    throw fail("expected `actions` or an action kind after `expect no`, found \(describe(current))",
                               help: Suggest.closest(to: word, among: ActionKind.allCases.map(\.rawValue) + ["actions"]).map { "did you mean `\($0)`?" })
                }
                advance()
                form = .noAction(kind)
            }
        } else if isWord("suppressed"), peek().kind == .identifier, let kind = ActionKind(rawValue: text(peek())) {
            advance()
            advance()
            form = .suppressed(kind, value: startsExpectedValue ? try parseExpression() : nil)
        } else if current.kind == .identifier, current.keyword == nil, let kind = ActionKind(rawValue: text(current)) {
            advance()
            var value: Expression? = nil
            if startsExpectedValue {
                value = try parseExpression()
            }
            form = .action(kind, value: value)
        } else if current.kind == .identifier, current.keyword == nil, peek().kind == .identifier,
                  peek().keyword == nil, !peek().startsLine, !isWord("expect", peek()) {
            let segment = try parseName("a segment name")
            let label = try parseName("a label")
            form = .label(segment: segment, label: label)
        } else {
            form = .condition(try parseExpression())
        }
        return Expectation(customer: customer, form: form, span: span(from: start))
    }

    /// Whether an action expectation goes on with a value (`expect discount 15%`)
    /// rather than ending (`expect discount` then the next line).
    private var startsExpectedValue: Bool {
        switch current.kind {
        case .rightBrace, .end: return false
        case .identifier:
            if current.startsLine && ["expect", "customer", "customers", "order", "orders", "as", "sent"].contains(text(current)) { return false }
            return !isWord("expect")
        default: return true
        }
    }
}
