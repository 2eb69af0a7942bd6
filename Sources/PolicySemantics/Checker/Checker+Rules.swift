import PolicySyntax

extension Checker {
    /// The channel names a contact may name directly.
    public static let channels = ["email", "sms", "phone", "mail", "push", "wechat", "visit"]
    static let severities = ["low", "medium", "high"]

    mutating func checkRules(_ declarations: [RuleDeclaration]) -> [RuleSpec] {
        var seen: [String: SourceSpan] = [:]
        var rules: [RuleSpec] = []
        for d in declarations {
            if seen[d.name] != nil {
                diagnostics.error(.duplicateRule, "a rule named \"\(d.name)\" already exists", at: d.nameSpan,
                                  help: "rule names appear in the output, so each must be unique")
            }
            seen[d.name] = d.nameSpan
            let condition = checkCondition(d.condition)
            var actions: [ActionSpec] = []
            for a in d.actions { if let spec = checkAction(a) { actions.append(spec) } }
            var text = ""
            switch d.modifier {
            case .once?: text = "once"
            case .oncePer(let window)?: text = "once per " + window.span.text
            case .onceFor(let occasion)?: text = "once for " + occasion.span.text
            case nil: break
            }
            rules.append(RuleSpec(name: d.name, condition: condition, actions: actions, span: d.nameSpan,
                                  modifier: d.modifier.flatMap { checkModifier($0) }, modifierText: text,
                                  quota: d.quota.flatMap { checkQuota($0, actions: actions) }))
        }
        return rules
    }

    /// `once per` takes a duration written out (`30 days`, `1 year`); `once for` any value.
    mutating func checkModifier(_ modifier: RuleModifier) -> CheckedModifier? {
        switch modifier {
        case .once:
            return .once
        case .oncePer(let window):
            let typed = check(window)
            if case .literal(let literal) = typed.expression, case .duration(let d)? = literal.value { return .oncePer(d) }
            if !typed.type.isWildcard {
                diagnostics.error(.invalidOnce, "`once per` takes a duration, as in once per 30 days", at: window.span,
                                  help: "write the window out: `once per 30 days`, `once per 1 year`")
            }
            return nil
        case .onceFor(let occasion):
            return .onceFor(check(occasion))
        }
    }

    mutating func checkAction(_ d: ActionDeclaration) -> ActionSpec? {
        var spec = ActionSpec(kind: d.kind, value: nil, alertName: nil, severity: nil, message: nil, channel: nil,
                              within: nil, span: d.span)
        switch d.form {
        case .valued(let e):
            let value = check(e)
            spec.value = value
            let ok: Bool
            let expected: String
            switch d.kind {
            case .discount: ok = value.type.isNumeric; expected = "a percentage or an amount, as in discount 15%"
            case .points: ok = value.type.isNumeric; expected = "a number, as in points 200"
            case .credit: ok = value.type == .duration; expected = "a duration, as in credit 60 days"
            default: ok = value.type == .text; expected = "text, as in \(d.kind.rawValue) \"name\""
            }
            if !ok, value.type != .unknown {
                diagnostics.error(.actionValueType, "`\(d.kind.rawValue)` takes \(expected); this is \(describe(value.type))",
                                  at: e.span)
            }
        case .alert(let name, let severity, let message):
            spec.alertName = name.text
            if let severity {
                if Self.severities.contains(severity.text) {
                    spec.severity = severity.text
                } else {
                    diagnostics.error(.unknownSeverity, "unknown severity `\(severity.text)`", at: severity.span,
                                      help: Suggest.closest(to: severity.text, among: Self.severities).map { "did you mean `\($0)`?" }
                                        ?? "the severities are low, medium and high")
                }
            }
            if let message { spec.message = check(message).expression }
        case .contact(let channel, let template, let within):
            spec.channel = checkChannel(channel)
            let value = check(template)
            if value.type != .text, value.type != .unknown {
                diagnostics.error(.actionValueType, "a contact's template is text, as in \"birthday_wishes\"", at: template.span)
            }
            spec.value = value
            if let within {
                let w = check(within)
                if w.type != .duration, !w.type.isWildcard {
                    diagnostics.error(.actionValueType, "`within` takes a duration, as in within 2 days", at: within.span)
                }
                spec.within = w.expression
            }
        }
        return spec
    }

    /// A channel name comes first (so a field called `email` holding addresses does
    /// not shadow the channel); otherwise a text field or let holds the channel.
    mutating func checkChannel(_ name: Name) -> Channel {
        if Self.channels.contains(name.text) { return .fixed(name.text) }
        if names[name.text] != nil {
            let typed = check(Expression(.name(name), name.span))
            if typed.type == .text || typed.type.isWildcard { return .dynamic(typed.expression) }
            diagnostics.error(.unknownChannel, "the channel `\(name.text)` is \(describe(typed.type)), not text", at: name.span,
                              help: "a channel is one of \(Self.channels.joined(separator: ", ")), or a text field naming one")
            return .fixed(name.text)
        }
        let textNames = schema.fields.filter { $0.type == .text }.map(\.name)
        diagnostics.error(.unknownChannel, "unknown channel `\(name.text)`", at: name.span,
                          help: Suggest.closest(to: name.text, among: Self.channels + textNames).map { "did you mean `\($0)`?" }
                            ?? "the channels are \(Self.channels.joined(separator: ", ")), or a text field naming one")
        return .fixed(name.text)
    }

    /// `limit KIND N per DURATION [per channel] [except "Rule", ...]`.
    mutating func checkLimits(_ declarations: [LimitDeclaration], rules: [RuleSpec]) -> [LimitSpec] {
        var limits: [LimitSpec] = []
        for d in declarations {
            guard let kind = ActionKind(rawValue: d.kind.text) else {
                diagnostics.error(.unknownActionKind, "unknown action kind `\(d.kind.text)`", at: d.kind.span,
                                  help: Suggest.closest(to: d.kind.text, among: ActionKind.allCases.map(\.rawValue)).map { "did you mean `\($0)`?" })
                continue
            }
            guard case .number(let digits)? = SchemaBuilder.constant(d.count), let count = Int(digits), count >= 1 else {
                diagnostics.error(.invalidLimit, "a limit is a whole number of actions, as in limit \(kind.rawValue) 1 per 30 days",
                                  at: d.count.span)
                continue
            }
            let window = check(d.window)
            guard case .literal(let literal) = window.expression, case .duration(let duration)? = literal.value else {
                diagnostics.error(.invalidLimit, "a limit's window is a duration written out, as in per 30 days", at: d.window.span)
                continue
            }
            if let per = d.perChannel {
                if per.text != "channel" {
                    diagnostics.error(.invalidLimit, "expected `per channel`", at: per.span)
                    continue
                } else if kind != .contact {
                    diagnostics.error(.invalidLimit, "`per channel` only applies to contacts", at: per.span)
                    continue
                }
            }
            let except = ruleIndexes(d.except, rules: rules, code: .invalidLimit)
            if !rules.contains(where: { $0.actions.contains { $0.kind == kind } }) {
                diagnostics.warning(.limitWithoutActions, "no rule gives a \(kind.rawValue), so this limit never applies", at: d.kind.span)
            }
            let text = "limit \(kind.rawValue) \(count) per \(duration.text)" + (d.perChannel == nil ? "" : " per channel")
            limits.append(LimitSpec(kind: kind, count: count, window: duration, perChannel: d.perChannel != nil, except: except,
                                    text: text, span: d.span))
        }
        return limits
    }

    mutating func checkResolutions(_ declarations: [ResolveDeclaration]) -> [ActionKind: ResolutionSpec] {
        var result: [ActionKind: ResolutionSpec] = [:]
        for d in declarations {
            guard let kind = ActionKind(rawValue: d.kind.text) else {
                diagnostics.error(.unknownActionKind, "unknown action kind `\(d.kind.text)`", at: d.kind.span,
                                  help: Suggest.closest(to: d.kind.text, among: ActionKind.allCases.map(\.rawValue)).map { "did you mean `\($0)`?" })
                continue
            }
            guard let strategy = ResolutionStrategy(rawValue: d.strategy.text) else {
                diagnostics.error(.invalidResolve, "unknown strategy `\(d.strategy.text)`", at: d.strategy.span,
                                  help: Suggest.closest(to: d.strategy.text, among: ["best", "first", "sum"]).map { "did you mean `\($0)`?" }
                                    ?? "the strategies are best, first and sum")
                continue
            }
            switch strategy {
            case .best where ![.discount, .points, .credit].contains(kind):
                diagnostics.error(.invalidResolve, "`best` keeps the largest value, and \(kind.rawValue) has none to compare",
                                  at: d.strategy.span, help: "use `first` to keep the highest-priority \(kind.rawValue)")
                continue
            case .sum where ![.discount, .points].contains(kind):
                diagnostics.error(.invalidResolve, "only discounts and points can be added up", at: d.strategy.span,
                                  help: "use `first` or `best`")
                continue
            default: break
            }
            var cap: Literal? = nil
            if let c = d.cap {
                if strategy != .sum {
                    diagnostics.error(.invalidResolve, "`max` caps a total, so it goes with `sum`", at: c.span)
                } else if let literal = SchemaBuilder.constant(c), literal.type.isNumeric {
                    cap = literal
                } else {
                    diagnostics.error(.invalidResolve, "the cap must be a number or percentage, as in max 30%", at: c.span)
                }
            }
            if let per = d.perChannel {
                if per.text != "channel" {
                    diagnostics.error(.invalidResolve, "expected `per channel`", at: per.span)
                } else if kind != .contact {
                    diagnostics.error(.invalidResolve, "`per channel` only applies to contacts", at: per.span)
                }
            }
            if let earlier = result[kind] {
                _ = earlier
                diagnostics.error(.duplicateResolve, "\(kind.rawValue) is already resolved by an earlier line", at: d.span,
                                  help: "keep one resolve line per action kind")
                continue
            }
            result[kind] = ResolutionSpec(kind: kind, strategy: strategy, cap: cap,
                                          perChannel: d.perChannel?.text == "channel", span: d.span)
        }
        return result
    }
}
