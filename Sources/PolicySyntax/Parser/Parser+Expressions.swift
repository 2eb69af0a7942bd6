import PolicyValues

/// Expressions, lowest precedence first:
///
///     expression  = "if" expression "then" expression "else" expression | or_expr
///     or_expr     = and_expr { "or" and_expr }
///     and_expr    = not_expr { "and" not_expr }
///     not_expr    = "not" not_expr | comparison
///     comparison  = coalesce [ compare_op coalesce | ["not"] "in" list_expr
///                             | "between" coalesce "and" coalesce | "is" ["not"] "none" ]
///     coalesce    = additive [ "??" coalesce ]
///     additive    = multiplicative { ("+" | "-") multiplicative }
///     multiplicative = unary { ("*" | "/") unary }
///     unary       = "-" unary | primary
extension Parser {
    public mutating func parseExpression() throws -> Expression {
        guard let start = consumeKeyword(.if) else { return try parseOr() }
        try enter()
        defer { depth -= 1 }
        let condition = try parseExpression()
        try expectKeyword(.then, help: "write `if CONDITION then A else B`")
        let then = try parseExpression()
        try expectKeyword(.else, help: "a conditional needs both values: `if CONDITION then A else B` (B may be `none`)")
        let otherwise = try parseExpression()
        return Expression(.conditional(condition, then: then, otherwise: otherwise), span(start).to(otherwise.span))
    }

    mutating func parseOr() throws -> Expression {
        // Each turn of the loop nests the tree one level deeper: count it like recursion.
        let saved = depth
        defer { depth = saved }
        var left = try parseAnd()
        while consumeKeyword(.or) != nil {
            try enter()
            let right = try parseAnd()
            left = Expression(.binary(.or, left, right), left.span.to(right.span))
        }
        return left
    }

    mutating func parseAnd() throws -> Expression {
        // Each turn of the loop nests the tree one level deeper: count it like recursion.
        let saved = depth
        defer { depth = saved }
        var left = try parseNot()
        while consumeKeyword(.and) != nil {
            try enter()
            let right = try parseNot()
            left = Expression(.binary(.and, left, right), left.span.to(right.span))
        }
        return left
    }

    mutating func parseNot() throws -> Expression {
        if let not = consumeKeyword(.not) {
            try enter()
            defer { depth -= 1 }
            let operand = try parseNot()
            return Expression(.unary(.not, operand), span(not).to(operand.span))
        }
        return try parseComparison()
    }

    mutating func parseComparison() throws -> Expression {
        let left = try parseCoalesce()
        let result: Expression
        if let op = comparisonOperator() {
            if current.kind == .doubleEqual {
                diagnostics.error(.doubleEquals, "`==` is not an operator", at: span(current),
                                  help: "equality is a single `=`, as in tier = Gold")
            }
            advance()
            let right = try parseCoalesce()
            result = Expression(.binary(op, left, right), left.span.to(right.span))
        } else if isKeyword(.in) || (isKeyword(.not) && peek().keyword == .in) {
            let negated = consumeKeyword(.not) != nil
            advance()
            guard current.kind == .leftBracket else {
                throw fail("`in` needs a list in brackets, found \(describe(current))", help: "write x in [a, b]")
            }
            let list = try parseList()
            result = Expression(.membership(left, list: list, negated: negated), left.span.to(list.span))
        } else if consumeKeyword(.between) != nil {
            let lower = try parseCoalesce()
            try expectKeyword(.and, help: "write `between LOW and HIGH`")
            let upper = try parseCoalesce()
            result = Expression(.between(left, lower: lower, upper: upper), left.span.to(upper.span))
        } else if consumeKeyword(.is) != nil {
            let negated = consumeKeyword(.not) != nil
            let none = try expectKeyword(.none, help: "`is` is only used as `is none` or `is not none`")
            result = Expression(.isNone(left, negated: negated), left.span.to(span(none)))
        } else {
            return left
        }
        if comparisonOperator() != nil || isKeyword(.between) {
            throw fail("comparisons cannot be chained", help: "join two comparisons with `and`, or use `between`")
        }
        return result
    }

    private func comparisonOperator() -> BinaryOperator? {
        switch current.kind {
        case .equal, .doubleEqual: .equal
        case .notEqual: .notEqual
        case .less: .less
        case .lessEqual: .lessEqual
        case .greater: .greater
        case .greaterEqual: .greaterEqual
        default: nil
        }
    }

    mutating func parseCoalesce() throws -> Expression {
        let left = try parseAdditive()
        if consume(.doubleQuestion) != nil {
            try enter()
            defer { depth -= 1 }
            let right = try parseCoalesce()
            return Expression(.binary(.coalesce, left, right), left.span.to(right.span))
        }
        return left
    }

    mutating func parseAdditive() throws -> Expression {
        // Each turn of the loop nests the tree one level deeper: count it like recursion.
        let saved = depth
        defer { depth = saved }
        var left = try parseMultiplicative()
        while current.kind == .plus || current.kind == .minus {
            try enter()
            let op: BinaryOperator = advance().kind == .plus ? .add : .subtract
            let right = try parseMultiplicative()
            left = Expression(.binary(op, left, right), left.span.to(right.span))
        }
        return left
    }

    mutating func parseMultiplicative() throws -> Expression {
        // Each turn of the loop nests the tree one level deeper: count it like recursion.
        let saved = depth
        defer { depth = saved }
        var left = try parseUnary()
        while current.kind == .star || current.kind == .slash {
            try enter()
            let op: BinaryOperator = advance().kind == .star ? .multiply : .divide
            let right = try parseUnary()
            left = Expression(.binary(op, left, right), left.span.to(right.span))
        }
        return left
    }

    mutating func parseUnary() throws -> Expression {
        if let minus = consume(.minus) {
            try enter()
            defer { depth -= 1 }
            let operand = try parseUnary()
            return Expression(.unary(.negate, operand), span(minus).to(operand.span))
        }
        return try parsePrimary()
    }

    /// Guards recursion so that `((((...` a million deep is an error, not a crash.
    mutating func enter() throws {
        depth += 1
        if depth > Self.maxDepth {
            throw fail("this expression is nested too deeply (more than \(Self.maxDepth) levels)",
                       help: "split it into several `let` declarations", code: .nestingTooDeep)
        }
    }

    // MARK: - Primary

    mutating func parsePrimary() throws -> Expression {
        let token = current
        switch token.kind {
        case .number:
            advance()
            let digits = String(text(token).filter { $0 != "_" })
            // The unit stands on the number's line: `n int = 7` above a field named
            // `days` is the number 7 and the next field, not a duration.
            if !current.startsLine, let unit = durationUnit(current) {
                let unitToken = advance()
                if digits.contains(".") {
                    let whole = digits.prefix { $0 != "." }
                    diagnostics.error(.invalidNumber, "a duration needs a whole number", at: span(from: token),
                                      help: "write \(whole.isEmpty ? "1" : whole) \(text(unitToken)) or use a smaller unit")
                } else if unit.amount(Substring(digits)) == nil {
                    diagnostics.error(.invalidNumber, "a duration cannot be longer than 100 years", at: span(from: token),
                                      help: "dates reach only so far; write at most 36525 days, 5218 weeks, 1200 months or 100 years")
                }
                return Expression(.duration(amount: digits, unit: unit), span(from: token))
            }
            return Expression(.number(digits), span(token))
        case .percent:
            advance()
            let digits = String(text(token).dropLast().filter { $0 != "_" })
            return Expression(.percent(digits), span(token))
        case .date:
            advance()
            return readDateLiteral(token)
        case .string:
            advance()
            return Expression(.string(decodeString(token)), span(token))
        case .leftParen:
            advance()
            try enter()
            defer { depth -= 1 }
            let inner = try parseExpression()
            try expect(.rightParen, "`)`")
            return Expression(inner.kind, span(from: token))
        case .leftBracket:
            return try parseList()
        case .quotedName:
            return Expression(.name(try parseName("a name")), span(token))
        case .identifier:
            switch token.keyword {
            case .true?: advance(); return Expression(.bool(true), span(token))
            case .false?: advance(); return Expression(.bool(false), span(token))
            case .none?: advance(); return Expression(.none, span(token))
            case .if?:
                throw fail("a conditional in the middle of an expression needs parentheses",
                           help: "write `(if CONDITION then A else B)`")
            case nil:
                if startsDeclaration(token) {
                    throw fail("expected a value, found `\(text(token))`", help: "the expression above is not finished")
                }
                let name = try parseName("a name")
                if current.kind == .leftParen {
                    return try parseCall(name)
                }
                return Expression(.name(name), name.span)
            default:
                throw fail("expected a value, found \(describe(token))")
            }
        default:
            throw fail("expected a value, found \(describe(token))")
        }
    }

    mutating func parseCall(_ function: Name) throws -> Expression {
        try expect(.leftParen, "`(`")
        try enter()
        defer { depth -= 1 }
        var arguments: [Expression] = []
        var filter: Expression? = nil
        if current.kind != .rightParen {
            repeat {
                arguments.append(try parseExpression())
            } while consume(.comma) != nil
            // `where` is a plain word everywhere else: here it can only start the filter.
            if isWord("where") {
                advance()
                filter = try parseExpression()
            }
        }
        try expect(.rightParen, "`)` to close the call of `\(function.text)`")
        return Expression(.call(function, arguments, filter: filter), function.span.to(span(tokens[index - 1])))
    }

    /// `[a, b, c]` (a trailing comma is allowed).
    mutating func parseList() throws -> Expression {
        let open = try expect(.leftBracket, "`[`")
        try enter()
        defer { depth -= 1 }
        var items: [Expression] = []
        while current.kind != .rightBracket {
            items.append(try parseExpression())
            if consume(.comma) == nil { break }
        }
        try expect(.rightBracket, "`,` or `]` in the list")
        return Expression(.list(items), span(from: open))
    }

    private func durationUnit(_ token: Token) -> DurationUnit? {
        guard token.kind == .identifier, token.keyword == nil else { return nil }
        switch text(token) {
        case "day", "days": return .day
        case "week", "weeks": return .week
        case "month", "months": return .month
        case "year", "years": return .year
        default: return nil
        }
    }

    private mutating func readDateLiteral(_ token: Token) -> Expression {
        let t = Array(text(token).utf8)
        func number(_ r: Range<Int>) -> Int { t[r].reduce(0) { $0 * 10 + Int($1 - 48) } }
        let year = number(0..<4), month = number(5..<7), day = number(8..<10)
        if CivilDate(year: year, month: month, day: day) == nil {
            diagnostics.error(.invalidDate, "`\(text(token))` is not a calendar date", at: span(token),
                              help: month > 12 ? "dates are written year-month-day" : nil)
            return Expression(.error, span(token))
        }
        return Expression(.date(year: year, month: month, day: day), span(token))
    }
}
