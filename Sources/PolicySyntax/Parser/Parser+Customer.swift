extension Parser {
    /// The type names a field may have.
    static let typeNames = ["text", "int", "number", "money", "bool", "date", "duration"]

    /// customer_block = "customer" "{" { field_decl } "}"
    mutating func parseCustomerBlock() throws -> CustomerBlock {
        let start = advance()
        try expect(.leftBrace, "`{` to open the customer block")
        var fields: [FieldDeclaration] = []
        while current.kind != .rightBrace, current.kind != .end {
            fields.append(try parseField())
        }
        try expect(.rightBrace, "`}` to close the customer block")
        return CustomerBlock(fields: fields, span: span(from: start))
    }

    /// field_decl = name type_name [ string ] [ "?" ] { field_modifier }
    /// field_modifier = "key" | "=" expression | "in" list | "from" string
    mutating func parseField() throws -> FieldDeclaration {
        let start = current
        let name = try parseName("a field name")
        guard current.kind == .identifier, current.keyword == nil else {
            throw fail("expected the type of `\(name.text)`, found \(describe(current))",
                       help: "the types are text, int, number, money, bool, date and duration")
        }
        let type = try parseName("a type")
        var pattern: (String, SourceSpan)? = nil
        var optional = consume(.question) != nil
        if current.kind == .string {
            let p = try readPlainString("a date pattern")
            pattern = (p.text, p.span)
            if consume(.question) != nil { optional = true }
        }
        var isKey = false
        var defaultValue: Expression? = nil
        var allowed: Expression? = nil
        var header: (String, SourceSpan)? = nil
        while true {
            if isWord("key"), !(peek().kind == .identifier && Self.typeNames.contains(text(peek()))) {
                advance()
                isKey = true
            } else if current.kind == .equal || current.kind == .doubleEqual {
                if current.kind == .doubleEqual {
                    diagnostics.error(.doubleEquals, "a default is written with a single `=`", at: span(current))
                }
                advance()
                defaultValue = try parseCoalesce()
            } else if consumeKeyword(.in) != nil {
                allowed = try parseList()
            } else if isWord("from"), peek().kind == .string {
                advance()
                let h = try readPlainString("a column header in quotes")
                header = (h.text, h.span)
            } else if current.kind == .question {
                throw fail("`?` goes right after the type, as in `\(name.text) \(type.text)?`")
            } else {
                break
            }
        }
        return FieldDeclaration(name: name, type: type, datePattern: pattern, optional: optional, isKey: isKey,
                                defaultValue: defaultValue, allowed: allowed, header: header, span: span(from: start))
    }
}
