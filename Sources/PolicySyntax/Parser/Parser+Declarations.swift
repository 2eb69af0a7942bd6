extension Parser {
    /// declaration = title | use | field_block | let_decl | segment_decl | rule_decl
    ///             | resolve_decl | test_decl
    mutating func parseDeclaration() throws -> Declaration {
        let token = current
        guard token.kind == .identifier, token.keyword == nil else {
            throw fail("expected a declaration, found \(describe(token))", help: declarationHelp, code: .unknownDeclaration)
        }
        switch text(token) {
        case "policy": return try parseTitle()
        case "use": return try parseUse()
        case "customer": return .customer(try parseFieldBlock())
        case "orders": return .orders(try parseFieldBlock())
        case "let": return .let(try parseLet())
        case "segment": return .segment(try parseSegment())
        case "rule": return .rule(try parseRule())
        case "resolve": return .resolve(try parseResolve())
        case "limit": return .limit(try parseLimit())
        case "holdout": return .holdout(try parseHoldout())
        case "test": return .test(try parseTest())
        case let word:
            var help = declarationHelp
            if let guess = Suggest.closest(to: word, among: Array(Self.declarationWords) + ["orders"]) {
                help = "did you mean `\(guess)`?"
            }
            throw fail("`\(word)` does not start a declaration", help: help, code: .unknownDeclaration)
        }
    }

    private var declarationHelp: String {
        "a declaration starts with policy, use, customer, orders, let, segment, rule, resolve, limit, holdout or test"
    }

    /// title = "policy" string
    mutating func parseTitle() throws -> Declaration {
        let start = advance()
        let title = try readPlainString("the policy's title in quotes")
        return .title(title.text, span(from: start))
    }

    /// use = "use" string
    mutating func parseUse() throws -> Declaration {
        let start = advance()
        let path = try readPlainString("the path of a policy file in quotes")
        return .use(path: path.text, span: span(from: start))
    }

    /// let_decl = "let" name "=" expression
    mutating func parseLet() throws -> LetDeclaration {
        advance()
        let name = try parseName("the name of the let")
        if current.kind == .doubleEqual {
            throw fail("expected `=`, found `==`", code: .doubleEquals)
        }
        try expect(.equal, "`=` after the let's name", help: "write `let \(name.text) = expression`")
        return LetDeclaration(name: name, value: try parseExpression())
    }

    /// segment_decl = "segment" name "{" { segment_case } "}"
    /// segment_case = name ( "when" expression | "otherwise" )
    mutating func parseSegment() throws -> SegmentDeclaration {
        let start = advance()
        let name = try parseName("the segment's name")
        try expect(.leftBrace, "`{` to open the segment")
        var cases: [SegmentCase] = []
        while current.kind != .rightBrace, current.kind != .end {
            let label = try parseName("a label")
            if consumeKeyword(.otherwise) != nil {
                cases.append(SegmentCase(label: label, condition: nil))
            } else if consumeKeyword(.when) != nil {
                cases.append(SegmentCase(label: label, condition: try parseExpression()))
            } else {
                throw fail("expected `when` or `otherwise` after the label `\(label.text)`",
                           help: "write `\(label.text) when condition`, or `\(label.text) otherwise` for the last label")
            }
        }
        try expect(.rightBrace, "`}` to close the segment")
        return SegmentDeclaration(name: name, cases: cases, span: span(from: start))
    }

    /// rule_decl = "rule" string [ rule_modifier ] [ quota ] "when" expression "then" action { "," action }
    mutating func parseRule() throws -> RuleDeclaration {
        advance()
        let name = try readPlainString("the rule's name in quotes")
        let modifier = try parseRuleModifier()
        let quota = try parseQuota()
        if quota != nil, current.kind == .identifier, text(current) == "once" {
            throw fail("`once` comes before the rule's quota", help: "write `rule \"name\" once per 30 days limit 200 by clv`")
        }
        try expectKeyword(.when, help: "write `rule \"name\" when condition then action`")
        let condition = try parseExpression()
        try expectKeyword(.then, help: "the actions follow `then`")
        var actions = [try parseAction()]
        while consume(.comma) != nil {
            actions.append(try parseAction())
        }
        return RuleDeclaration(name: name.text, nameSpan: name.span, modifier: modifier, quota: quota, condition: condition,
                               actions: actions)
    }

    /// rule_modifier = "once" , [ "per" , expression | "for" , expression ]
    mutating func parseRuleModifier() throws -> RuleModifier? {
        guard consumeWord("once") != nil else { return nil }
        if consumeWord("per") != nil { return .oncePer(try parseExpression()) }
        if consumeWord("for") != nil { return .onceFor(try parseExpression()) }
        return .once
    }

    /// quota = ( "limit" , expression , [ "customers" ] | "budget" , expression ) , "by" , expression , [ "asc" | "desc" ]
    mutating func parseQuota() throws -> QuotaDeclaration? {
        let start = current
        let form: QuotaDeclaration.Form
        if consumeWord("limit") != nil {
            form = .customers
        } else if consumeWord("budget") != nil {
            form = .budget
        } else {
            return nil
        }
        let amount = try parseExpression()
        let saysCustomers = form == .customers && consumeWord("customers") != nil
        let example = form == .customers ? "limit 200 by clv desc" : "budget 5000 by clv desc"
        try expectWord("by", help: "say whom the rule serves first, as in `\(example)`")
        let order = try parseExpression()
        var direction: Name? = nil
        if current.kind == .identifier, ["asc", "desc"].contains(text(current)) {
            direction = try parseName("asc or desc")
        }
        return QuotaDeclaration(form: form, amount: amount, saysCustomers: saysCustomers, order: order, direction: direction,
                                span: span(from: start))
    }

    /// action = ("discount" | "gift" | "points" | "credit" | "tag") expression
    ///        | "alert" name [ "severity" name ] [ string ]
    ///        | "contact" name expression [ "within" expression ]
    mutating func parseAction() throws -> ActionDeclaration {
        let start = current
        guard start.kind == .identifier, start.keyword == nil, let kind = ActionKind(rawValue: text(start)) else {
            var help = "the actions are discount, gift, points, credit, alert, contact and tag"
            if start.kind == .identifier, let guess = Suggest.closest(to: text(start), among: ActionKind.allCases.map(\.rawValue)) {
                help = "did you mean `\(guess)`?"
            }
            throw fail("expected an action, found \(describe(start))", help: help)
        }
        advance()
        let form: ActionDeclaration.Form
        switch kind {
        case .alert:
            let name = try parseName("the alert's name (a word such as churn_risk)")
            var severity: Name? = nil
            if consumeWord("severity") != nil {
                severity = try parseName("low, medium or high")
            }
            var message: Expression? = nil
            if current.kind == .string {
                let token = advance()
                message = Expression(.string(decodeString(token)), span(token))
            }
            form = .alert(name: name, severity: severity, message: message)
        case .contact:
            let channel = try parseName("a channel (email, sms, phone, mail, push, wechat, visit, or a text field)")
            let template = try parseExpression()
            var within: Expression? = nil
            if consumeWord("within") != nil {
                within = try parseExpression()
            }
            form = .contact(channel: channel, template: template, within: within)
        default:
            form = .valued(try parseExpression())
        }
        return ActionDeclaration(kind: kind, form: form, span: span(from: start))
    }

    /// limit = "limit" name expression "per" expression [ "per" name ] [ "except" string { "," string } ]
    mutating func parseLimit() throws -> LimitDeclaration {
        let start = advance()
        let kind = try parseName("an action kind such as contact")
        let count = try parseExpression()
        try expectWord("per", help: "write `limit \(kind.text) 1 per 30 days`")
        let window = try parseExpression()
        var per: Name? = nil
        if consumeWord("per") != nil {
            per = try parseName("`channel`")
        }
        return LimitDeclaration(kind: kind, count: count, window: window, perChannel: per, except: try parseExceptRules(),
                                span: span(from: start))
    }

    /// holdout = "holdout" expression "seed" string [ "except" string { "," string } ]
    mutating func parseHoldout() throws -> HoldoutDeclaration {
        let start = advance()
        let share = try parseExpression()
        try expectWord("seed", help: "write `holdout 5% seed \"2026-h1\"`: the seed picks who is held out")
        let seed = try readPlainString("the seed in quotes, as in \"2026-h1\"")
        return HoldoutDeclaration(share: share, seed: seed, except: try parseExceptRules(), span: span(from: start))
    }

    /// The rules named after `except` (a limit's, a holdout's).
    mutating func parseExceptRules() throws -> [(name: String, span: SourceSpan)] {
        var except: [(name: String, span: SourceSpan)] = []
        if consumeWord("except") != nil {
            repeat {
                let name = try readPlainString("the name of a rule in quotes")
                except.append((name.text, name.span))
            } while consume(.comma) != nil
        }
        return except
    }

    /// resolve_decl = "resolve" name "by" name [ "max" expression ] [ "per" name ]
    mutating func parseResolve() throws -> ResolveDeclaration {
        let start = advance()
        let kind = try parseName("an action kind such as discount")
        try expectWord("by", help: "write `resolve \(kind.text) by best`, `by first` or `by sum`")
        let strategy = try parseName("best, first or sum")
        var cap: Expression? = nil
        if consumeWord("max") != nil {
            cap = try parseExpression()
        }
        var per: Name? = nil
        if consumeWord("per") != nil {
            per = try parseName("`channel`")
        }
        return ResolveDeclaration(kind: kind, strategy: strategy, cap: cap, perChannel: per, span: span(from: start))
    }
}
