/// The layout of declarations: one blank line between top-level declarations (none
/// between consecutive `let`, `resolve` or `use` lines unless the author left one),
/// two-space indentation, and aligned columns inside blocks and runs of `let`s.
extension Layout {
    /// Prints every declaration of the file, in file order (order has meaning).
    mutating func layOutDeclarations() {
        let declarations = file.declarations
        let ranges = declarations.map(sourceRange)
        // together[i]: declaration i follows i - 1 with no blank line between them.
        var together = [Bool](repeating: false, count: declarations.count)
        for i in declarations.indices.dropFirst() {
            together[i] = Self.staysTogether(declarations[i - 1], declarations[i])
                && !hasBlankLine(after: ranges[i - 1].upperBound, before: ranges[i].lowerBound)
        }
        var letWidth = 0
        var letGroup = 0
        for (i, declaration) in declarations.enumerated() {
            let first = lines.count
            switch declaration {
            case .title(_, let span):
                lines.append(FormatLine(indent: 0, "policy " + text(token(at: span.start, 1)), source: span.start..<span.end))
            case .use(_, let span):
                lines.append(FormatLine(indent: 0, "use " + text(token(at: span.start, 1)), source: span.start..<span.end))
            case .customer(let block):
                layOutFields(block, word: "customer")
            case .orders(let block):
                layOutFields(block, word: "orders")
            case .let(let declaration):
                if i == 0 || !together[i] {
                    // A new run of lets: their `=` signs line up.
                    var width = 0
                    var j = i
                    repeat {
                        if case .let(let other) = declarations[j] { width = max(width, PolicyFormatter.displayWidth(other.name.span.text)) }
                        j += 1
                    } while j < declarations.count && together[j]
                    letWidth = width
                    letGroup = newGroup()
                }
                let name = Self.pad(declaration.name.span.text, letWidth)
                lines.append(FormatLine(indent: 0, "let " + name + " = " + print(declaration.value),
                                        source: ranges[i], group: letGroup))
            case .segment(let segment):
                layOutSegment(segment)
            case .rule(let rule):
                layOutRule(rule, source: ranges[i])
            case .resolve(let resolve):
                lines.append(FormatLine(indent: 0, resolveText(resolve), source: ranges[i]))
            case .limit(let limit):
                lines.append(FormatLine(indent: 0, limitText(limit), source: ranges[i]))
            case .holdout(let holdout):
                lines.append(FormatLine(indent: 0, holdoutText(holdout), source: ranges[i]))
            case .test(let test):
                layOutTest(test)
            }
            if first < lines.count { lines[first].blankBefore = i > 0 && !together[i] }
        }
    }

    /// Consecutive lets (and resolves, and uses) read as one group.
    static func staysTogether(_ a: Declaration, _ b: Declaration) -> Bool {
        switch (a, b) {
        case (.let, .let), (.resolve, .resolve), (.limit, .limit), (.use, .use): true
        default: false
        }
    }

    /// The source bytes of a declaration, from its keyword to its last token.
    func sourceRange(_ declaration: Declaration) -> Range<Int> {
        switch declaration {
        case .title(_, let span), .use(_, let span): span.start..<span.end
        case .customer(let block), .orders(let block): block.span.start..<block.span.end
        case .let(let l): token(before: l.name.span.start).start..<l.value.span.end
        case .segment(let s): s.span.start..<s.span.end
        case .rule(let r): token(before: r.nameSpan.start).start..<(r.actions.last?.span.end ?? r.condition.span.end)
        case .resolve(let r): r.span.start..<r.span.end
        case .limit(let l): l.span.start..<l.span.end
        case .holdout(let h): h.span.start..<h.span.end
        case .test(let t): t.span.start..<t.span.end
        }
    }

    /// `text` followed by spaces up to `width` columns.
    static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - PolicyFormatter.displayWidth(text)))
    }

    /// The closing `}` of a block spanning `span`.
    mutating func closeBlock(_ span: SourceSpan) {
        var line = FormatLine(indent: 0, "}", source: max(span.start, span.end - 1)..<span.end, commentIndent: 2)
        line.closesBlock = true
        lines.append(line)
    }

    // MARK: - customer and orders

    /// One field per line: names padded to the longest, then the type and modifiers.
    mutating func layOutFields(_ block: FieldBlock, word: String) {
        let open = token(at: block.span.start, 1)
        lines.append(FormatLine(indent: 0, word + " {", source: block.span.start..<open.end))
        let group = newGroup()
        let width = block.fields.map { PolicyFormatter.displayWidth($0.name.span.text) }.max() ?? 0
        for field in block.fields {
            lines.append(FormatLine(indent: 2, fieldText(field, nameWidth: width),
                                    source: field.span.start..<field.span.end, group: group))
        }
        closeBlock(block.span)
    }

    /// `name type ["pattern"][?] [key | customer] [= default] [in [..]] [from "Header"]`, in that order.
    func fieldText(_ field: FieldDeclaration, nameWidth: Int) -> String {
        var out = Self.pad(field.name.span.text, nameWidth) + " " + field.type.span.text
        if let pattern = field.datePattern { out += " " + pattern.span.text }
        if field.optional { out += "?" }
        if field.isKey { out += " key" }
        if field.isCustomer { out += " customer" }
        if let value = field.defaultValue { out += " = " + print(value, .coalesce) }
        if let allowed = field.allowed { out += " in " + print(allowed) }
        if let header = field.header { out += " from " + header.span.text }
        return out
    }

    // MARK: - segment

    /// One label per line, labels padded so that `when` lines up.
    mutating func layOutSegment(_ segment: SegmentDeclaration) {
        let open = token(at: segment.name.span.end)
        lines.append(FormatLine(indent: 0, "segment " + segment.name.span.text + " {", source: segment.span.start..<open.end))
        let group = newGroup()
        let width = segment.cases.map { PolicyFormatter.displayWidth($0.label.span.text) }.max() ?? 0
        for c in segment.cases {
            let label = Self.pad(c.label.span.text, width)
            if let condition = c.condition {
                lines.append(FormatLine(indent: 2, label + " when " + print(condition),
                                        source: c.label.span.start..<condition.span.end, group: group))
            } else {
                lines.append(FormatLine(indent: 2, label + " otherwise",
                                        source: c.label.span.start..<token(at: c.label.span.end).end, group: group))
            }
        }
        closeBlock(segment.span)
    }

    // MARK: - rule

    /// `rule "name"`, then `when` and `then` indented, one action per line aligned
    /// under the first. Conditions stay on one line however long.
    mutating func layOutRule(_ rule: RuleDeclaration, source: Range<Int>) {
        let group = newGroup()
        var header = "rule " + rule.nameSpan.text
        var headerEnd = rule.nameSpan.end
        switch rule.modifier {
        case .once?:
            header += " once"
            headerEnd = token(before: token(before: rule.condition.span.start).start).end
        case .oncePer(let window)?:
            header += " once per " + print(window)
            headerEnd = window.span.end
        case .onceFor(let occasion)?:
            header += " once for " + print(occasion)
            headerEnd = occasion.span.end
        case nil: break
        }
        if let quota = rule.quota {
            header += " " + quotaText(quota)
            headerEnd = quota.span.end
        }
        lines.append(FormatLine(indent: 0, header, source: source.lowerBound..<headerEnd))
        let when = token(before: rule.condition.span.start)
        lines.append(FormatLine(indent: 2, "when " + print(rule.condition),
                                source: when.start..<rule.condition.span.end, group: group))
        for (i, action) in rule.actions.enumerated() {
            let last = i == rule.actions.count - 1
            let text = actionText(action) + (last ? "" : ",")
            let end = last ? action.span.end : endIncludingComma(action.span.end)
            if i == 0 {
                let then = token(before: action.span.start)
                lines.append(FormatLine(indent: 2, "then " + text, source: then.start..<end, group: group))
            } else {
                lines.append(FormatLine(indent: 7, text, source: action.span.start..<end, group: group))
            }
        }
    }

    func actionText(_ action: ActionDeclaration) -> String {
        switch action.form {
        case .valued(let value):
            return action.kind.rawValue + " " + print(value)
        case .alert(let name, let severity, let message):
            var out = "alert " + name.span.text
            if let severity { out += " severity " + severity.span.text }
            if let message { out += " " + print(message) }
            return out
        case .contact(let channel, let template, let within):
            var out = "contact " + channel.span.text + " " + print(template)
            if let within { out += " within " + print(within) }
            return out
        }
    }

    // MARK: - resolve

    func limitText(_ limit: LimitDeclaration) -> String {
        var out = "limit " + limit.kind.span.text + " " + print(limit.count) + " per " + print(limit.window)
        if let per = limit.perChannel { out += " per " + per.span.text }
        return out + exceptText(limit.except)
    }

    func holdoutText(_ holdout: HoldoutDeclaration) -> String {
        "holdout " + print(holdout.share) + " seed " + holdout.seed.span.text + exceptText(holdout.except)
    }

    func exceptText(_ except: [(name: String, span: SourceSpan)]) -> String {
        except.isEmpty ? "" : " except " + except.map(\.span.text).joined(separator: ", ")
    }

    func quotaText(_ quota: QuotaDeclaration) -> String {
        var out = (quota.form == .customers ? "limit " : "budget ") + print(quota.amount)
        if quota.saysCustomers { out += " customers" }
        out += " by " + print(quota.order)
        if let direction = quota.direction { out += " " + direction.span.text }
        return out
    }

    func resolveText(_ resolve: ResolveDeclaration) -> String {
        var out = "resolve " + resolve.kind.span.text + " by " + resolve.strategy.span.text
        if let cap = resolve.cap { out += " max " + print(cap) }
        if let per = resolve.perChannel { out += " per " + per.span.text }
        return out
    }
}
