extension Parser {
    /// The type names a field may have.
    static let typeNames: Set<String> = ["text", "int", "number", "money", "bool", "date", "duration"]

    /// field_block = ( "customer" | "orders" ) "{" { field_decl } "}"
    mutating func parseFieldBlock() throws -> FieldBlock {
        let start = advance()
        let what = text(start) == "orders" ? "orders" : "customer"
        try expect(.leftBrace, "`{` to open the \(what) block")
        var fields: [FieldDeclaration] = []
        while current.kind != .rightBrace, current.kind != .end {
            fields.append(try parseField())
        }
        try expect(.rightBrace, "`}` to close the \(what) block")
        return FieldBlock(fields: fields, span: span(from: start))
    }

    /// field_decl = name type_name [ string ] [ "?" ] { field_modifier }
    /// field_modifier = "key" | "customer" | "=" expression | "in" list | "from" string
    ///
    /// A field may be named like a type or a modifier (`date date`, `text text`,
    /// `key text`): the grammar is not newline-sensitive, so where the words alone are
    /// ambiguous the line breaks decide, as a reader would (see `keyStartsField`).
    mutating func parseField() throws -> FieldDeclaration {
        let start = current
        let name = try parseName("a field name")
        // A type on a later line that is no type name is the next field's name: this
        // field has none. Say so here, not at the next field or the closing brace.
        if current.startsLine, current.kind != .invalid, !isTypeName(current) {
            diagnostics.error(.expectedToken, "the field `\(name.text)` has no type", at: name.span,
                              help: "write its type after the name: text, int, number, money, bool, date or duration")
            throw ParseAbort()
        }
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
        var isKey = false, isCustomer = false
        var defaultValue: Expression? = nil
        var allowed: Expression? = nil
        var header: (String, SourceSpan)? = nil
        while true {
            if isWord("key"), !modifierStartsField() {
                advance()
                isKey = true
            } else if isWord("customer"), !modifierStartsField() {
                advance()
                isCustomer = true
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
                                isCustomer: isCustomer, defaultValue: defaultValue, allowed: allowed, header: header,
                                span: span(from: start))
    }

    /// Whether the word `key` (or `customer`) standing after a field's type starts the
    /// next field (one named `key`) rather than marking this one as the key. It does only when a type
    /// name follows it on its own line, and either it begins that line (`key text`
    /// under `id text`) or nothing on the line could be the next field's type
    /// (`id text key text }`). So `id text key` followed by `date date` on the next
    /// line, or on the same line, is the key `id` and a field `date`.
    func modifierStartsField() -> Bool {
        let type = peek(), after = peek(2)
        guard isTypeName(type), !type.startsLine else { return false }
        if current.startsLine { return true }
        let afterCouldBeType = after.kind == .identifier && after.keyword == nil && !after.startsLine
        return !afterCouldBeType
    }

    /// A plain word that names one of the field types.
    func isTypeName(_ token: Token) -> Bool {
        token.kind == .identifier && token.keyword == nil && Self.typeNames.contains(text(token))
    }
}
