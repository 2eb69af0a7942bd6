import PolicySyntax

extension Checker {
    /// Checks a condition: it must be true/false (or none, which does not fire).
    mutating func checkCondition(_ e: Expression) -> CheckedExpression {
        let typed = check(e)
        if typed.type != .bool, !typed.type.isWildcard {
            diagnostics.error(.conditionNotBool, "this condition is \(describe(typed.type)), not true/false", at: e.span,
                              help: conditionHelp(typed.type))
        }
        return typed.expression
    }

    private func conditionHelp(_ type: ValueType) -> String? {
        switch type {
        case .int, .number, .money, .percent: "compare it with something, as in total_spend >= 1000"
        case .label(let s): "compare the segment with a label, as in \(segmentLabels.indices.contains(s) ? segmentDeclarations[s].name.text : "tier") = \(segmentLabels[s].first ?? "Gold")"
        case .date: "compare the date, as in days_since(last_order_date) > 60"
        default: nil
        }
    }

    /// Checks an expression. `labels` is the segment whose labels bare names may
    /// stand for (the other side of `tier = Gold`).
    mutating func check(_ e: Expression, labels: Int? = nil) -> Typed {
        switch e.kind {
        case .error:
            return Typed(.literal(.none), .unknown)
        case .number(let t):
            let literal = Literal.number(t)
            return Typed(.literal(literal), literal.type)
        case .percent(let t):
            return Typed(.literal(.percent(t)), .percent)
        case .date(let y, let m, let d):
            return Typed(.literal(.date(year: y, month: m, day: d)), .date)
        case .duration(let a, let u):
            return Typed(.literal(.duration(amount: a, unit: u)), .duration)
        case .bool(let b):
            return Typed(.literal(.bool(b)), .bool)
        case .none:
            return Typed(.literal(.none), .none)
        case .string(let parts):
            return checkString(parts)
        case .name(let name):
            return checkName(name, labels: labels)
        case .list(let items):
            diagnostics.error(.typeMismatch, "a list can only stand after `in`", at: e.span,
                              help: "write x in [a, b]")
            _ = items.map { check($0) }
            return Typed(.literal(.none), .unknown)
        case .unary(let op, let operand):
            return checkUnary(op, operand, at: e.span)
        case .binary(let op, let left, let right):
            return checkBinary(op, left, right, at: e.span)
        case .between(let value, let lower, let upper):
            let v = check(value)
            let lo = check(lower, labels: labelSegment(v.type))
            let hi = check(upper, labels: labelSegment(v.type))
            for bound in [lo, hi] where !comparable(v.type, bound.type) || !isOrdered(v.type) {
                diagnostics.error(.typeMismatch, "`between` compares \(describe(v.type)) with \(describe(bound.type))", at: e.span)
                break
            }
            return Typed(.between(v.expression, lower: lo.expression, upper: hi.expression), .bool)
        case .membership(let value, let list, let negated):
            return checkMembership(value, list, negated: negated)
        case .isNone(let value, let negated):
            return Typed(.isNone(check(value).expression, negated: negated), .bool)
        case .call(let function, let arguments, let filter):
            return checkCall(function, arguments, filter: filter, at: e.span)
        case .conditional(let condition, let then, let otherwise):
            return checkConditional(condition, then, otherwise, at: e.span)
        }
    }

    /// `if COND then A else B`: COND true/false, A and B of one type (or one of them `none`).
    mutating func checkConditional(_ c: Expression, _ a: Expression, _ b: Expression, at span: SourceSpan) -> Typed {
        let condition = check(c)
        if condition.type != .bool, !condition.type.isWildcard {
            diagnostics.error(.typeMismatch, "`if` needs true/false, not \(describe(condition.type))", at: c.span,
                              help: "write a condition, as in `if total_spend > 1000 then ...`")
        }
        let then = check(a)
        let otherwise = check(b, labels: labelSegment(then.type))
        guard comparable(then.type, otherwise.type) else {
            diagnostics.error(.typeMismatch, "`if` gives \(describe(then.type)) or \(describe(otherwise.type))", at: span,
                              help: "both values must be of one type; either may be `none`")
            return Typed(.literal(.none), .unknown)
        }
        // The type both give: a number widens from a whole number.
        let type = then.type.isWildcard ? otherwise.type
            : otherwise.type.isWildcard || then.type == otherwise.type ? then.type
            : then.type == .int ? otherwise.type : then.type
        return Typed(.conditional(condition.expression, then.expression, otherwise.expression), type)
    }

    mutating func checkString(_ parts: [StringPart]) -> Typed {
        var bound: [InterpolationPart] = []
        for part in parts {
            switch part {
            case .text(let t): bound.append(.text(t))
            case .expression(let e):
                let typed = check(e)
                if case .list = typed.type {
                    diagnostics.error(.typeMismatch, "a list cannot be printed in a message", at: e.span)
                }
                bound.append(.value(typed.expression, typed.type))
            }
        }
        if bound.count <= 1, case .text(let t)? = bound.first ?? .text("") {
            return Typed(.literal(.text(t)), .text)
        }
        return Typed(.interpolate(bound), .text)
    }

    mutating func checkName(_ name: Name, labels: Int?) -> Typed {
        if let segment = labels, let index = labelIndexes[segment][name.text] {
            return Typed(.label(segment: segment, index: index), .label(segment: segment))
        }
        if let orders = orderSchema, name.text.hasPrefix("orders.") {
            return checkOrderField(name, orders)
        }
        switch names[name.text] {
        case .field(let slot)?:
            return Typed(.field(slot), schema.fields[slot].type.valueType)
        case .letValue(let index)?:
            let type = resolveLet(index)
            return Typed(.letValue(index), type)
        case .segment(let index)?:
            resolveSegment(index)
            return Typed(.segment(index), .label(segment: index))
        case nil:
            break
        }
        if name.text == "today" { return Typed(.today, .date) }
        if let segment = labels {
            let segmentName = segmentDeclarations[segment].name.text
            let guess = Suggest.closest(to: name.text, among: segmentLabels[segment])
            diagnostics.error(.unknownLabel, "`\(name.text)` is not a label of segment `\(segmentName)`", at: name.span,
                              help: guess.map { "did you mean `\($0)`?" }
                                ?? "its labels are \(segmentLabels[segment].map { "`\($0)`" }.joined(separator: ", "))")
        } else if let owner = labelIndexes.firstIndex(where: { $0[name.text] != nil }) {
            let segmentName = segmentDeclarations[owner].name.text
            diagnostics.error(.unknownName, "`\(name.text)` is a label of segment `\(segmentName)`, not a value", at: name.span,
                              help: "compare it with the segment: \(segmentName) = \(name.text)")
        } else if Builtin(rawValue: name.text) != nil || AggregateKind(rawValue: name.text) != nil {
            diagnostics.error(.unknownName, "`\(name.text)` is a function", at: name.span, help: "call it: \(name.text)(...)")
        } else {
            let guess = Suggest.closest(to: name.text, among: Array(names.keys) + ["today"])
            diagnostics.error(.unknownName, "unknown name `\(name.text)`", at: name.span,
                              help: guess.map { "did you mean `\($0)`?" } ?? unknownNameHelp)
        }
        return Typed(.literal(.none), .unknown)
    }

    /// `orders.NAME`: a field of one order, read inside an aggregate over orders.
    mutating func checkOrderField(_ name: Name, _ orders: Schema) -> Typed {
        let fieldName = String(name.text.dropFirst("orders.".count))
        guard let slot = orders.slot(named: fieldName) else {
            let guess = Suggest.closest(to: fieldName, among: orders.fields.map(\.name))
            diagnostics.error(.unknownName, "the orders block has no field `\(fieldName)`", at: name.span,
                              help: guess.map { "did you mean `orders.\($0)`?" }
                                ?? "its fields are \(orders.fields.prefix(12).map { "`orders.\($0.name)`" }.joined(separator: ", "))")
            return Typed(.literal(.none), .unknown)
        }
        guard orderScope.allowed else {
            diagnostics.error(.orderFieldOutsideAggregate, "`\(name.text)` is one order's value, and a customer has many orders",
                              at: name.span,
                              help: "aggregate it over the customer's orders, as in sum(\(name.text)), max(\(name.text)) or count(orders where \(name.text) ...)")
            return Typed(.literal(.none), .unknown)
        }
        orderScope.used = true
        return Typed(.orderField(slot), orders.fields[slot].type.valueType)
    }

    private var unknownNameHelp: String {
        schema.inferred
            ? "the data's columns are \(schema.fields.prefix(12).map { "`\($0.name)`" }.joined(separator: ", "))"
            : "declare it in the customer block, or as `let \u{60}name\u{60} = ...`"
    }

    mutating func checkUnary(_ op: UnaryOperator, _ operand: Expression, at span: SourceSpan) -> Typed {
        let typed = check(operand)
        switch op {
        case .not:
            if typed.type != .bool, !typed.type.isWildcard {
                diagnostics.error(.typeMismatch, "`not` needs true/false, not \(describe(typed.type))", at: span)
            }
            return Typed(.not(typed.expression), .bool)
        case .negate:
            if !typed.type.isNumeric, !typed.type.isWildcard {
                diagnostics.error(.typeMismatch, "`-` needs a number, not \(describe(typed.type))", at: span)
                return Typed(.literal(.none), .unknown)
            }
            return Typed(.negate(typed.expression), typed.type)
        }
    }

    mutating func checkBinary(_ op: BinaryOperator, _ l: Expression, _ r: Expression, at span: SourceSpan) -> Typed {
        switch op {
        case .and, .or:
            let left = check(l), right = check(r)
            for (side, e) in [(left, l), (right, r)] where side.type != .bool && !side.type.isWildcard {
                diagnostics.error(.typeMismatch, "`\(op.rawValue)` needs true/false on both sides; this is \(describe(side.type))",
                                  at: e.span)
            }
            return Typed(op == .and ? .and(left.expression, right.expression) : .or(left.expression, right.expression), .bool)
        case .coalesce:
            let left = check(l)
            let right = check(r, labels: labelSegment(left.type))
            if !comparable(left.type, right.type) {
                diagnostics.error(.typeMismatch, "`??` gives \(describe(right.type)) in place of \(describe(left.type))", at: span,
                                  help: "the default must be of the same type as the value")
            }
            let type = left.type.isWildcard ? right.type : left.type
            return Typed(.coalesce(left.expression, right.expression), type)
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
            return checkComparison(op, l, r, at: span)
        case .add, .subtract, .multiply, .divide:
            let left = check(l), right = check(r)
            guard let type = arithmeticType(op, left.type, right.type) else {
                diagnostics.error(.typeMismatch, "cannot \(verb(op)) \(describe(left.type)) and \(describe(right.type))", at: span,
                                  help: arithmeticHelp(op, left.type, right.type))
                return Typed(.literal(.none), .unknown)
            }
            return Typed(.arithmetic(op, left.expression, right.expression), type)
        }
    }

    mutating func checkComparison(_ op: BinaryOperator, _ l: Expression, _ r: Expression, at span: SourceSpan) -> Typed {
        // `Gold = tier`: let the segment's side decide what bare names mean.
        var left: Typed
        var right: Typed
        if case .name(let n) = l.kind, names[n.text] == nil, case .name(let m) = r.kind, case .segment(let s)? = names[m.text] {
            right = check(r)
            left = check(l, labels: s)
        } else {
            left = check(l)
            right = check(r, labels: labelSegment(left.type))
        }
        for (side, other, e) in [(left, right, l), (right, left, r)] where side.type == .none {
            _ = other
            diagnostics.error(.comparedWithNone, "comparing with `none` is always none, never true", at: e.span,
                              help: op == .notEqual ? "write `x is not none`" : "write `x is none`")
            return Typed(.literal(.none), .unknown)
        }
        if case .label = left.type, right.type == .text {
            diagnostics.error(.typeMismatch, "a segment is compared with a label, not with text", at: r.span,
                              help: "drop the quotes: \(l.span.text) \(op.rawValue) \(r.span.text.filter { $0 != "\"" })")
        } else if !comparable(left.type, right.type) {
            diagnostics.error(.typeMismatch, "cannot compare \(describe(left.type)) with \(describe(right.type))", at: span)
        } else if op != .equal, op != .notEqual, !isOrdered(left.type.isWildcard ? right.type : left.type) {
            diagnostics.error(.typeMismatch, "`\(op.rawValue)` needs values with an order; \(describe(left.type)) has none", at: span,
                              help: "use `=` or `!=`")
        }
        return Typed(.compare(op, left.expression, right.expression), .bool)
    }

    mutating func checkMembership(_ value: Expression, _ list: Expression, negated: Bool) -> Typed {
        let v = check(value)
        guard case .list(let items) = list.kind else {
            diagnostics.error(.typeMismatch, "`in` needs a list in brackets", at: list.span, help: "write x in [a, b]")
            return Typed(.literal(.none), .unknown)
        }
        var bound: [CheckedExpression] = []
        for item in items {
            let typed = check(item, labels: labelSegment(v.type))
            if case .label = v.type, typed.type == .text {
                diagnostics.error(.typeMismatch, "a segment is compared with labels, not with text", at: item.span,
                                  help: "drop the quotes")
            } else if !comparable(v.type, typed.type) {
                diagnostics.error(.typeMismatch, "this list holds \(describe(typed.type)), but the value is \(describe(v.type))",
                                  at: item.span)
            }
            bound.append(typed.expression)
        }
        return Typed(.member(v.expression, bound, negated: negated), .bool)
    }

    // MARK: - Type rules

    func labelSegment(_ type: ValueType) -> Int? {
        if case .label(let s) = type { return s }
        return nil
    }

    func comparable(_ a: ValueType, _ b: ValueType) -> Bool {
        if a.isWildcard || b.isWildcard { return true }
        if a.isNumeric && b.isNumeric { return true }
        return a == b
    }

    func isOrdered(_ type: ValueType) -> Bool {
        type.isNumeric || type.isWildcard || type == .date || type == .text || type == .duration
    }

    /// The result type of arithmetic, or nil when the operands do not fit. Money
    /// stays money; a rate times money is money; dates move by durations.
    func arithmeticType(_ op: BinaryOperator, _ a: ValueType, _ b: ValueType) -> ValueType? {
        if a.isWildcard && b.isWildcard { return .unknown }
        if a.isWildcard { return b.isNumeric || b == .duration ? b : (b == .date ? .date : nil) }
        if b.isWildcard { return a.isNumeric || a == .date || a == .duration ? a : nil }
        if a.isNumeric && b.isNumeric {
            switch op {
            case .add, .subtract:
                if a == .money || b == .money { return .money }
                if a == .percent && b == .percent { return .percent }
                return a == .int && b == .int ? .int : .number
            case .multiply:
                if a == .money || b == .money { return .money }
                return a == .int && b == .int ? .int : .number
            default:
                return a == .money && b != .money ? .money : .number
            }
        }
        switch (op, a, b) {
        case (.subtract, .date, .date): return .int
        case (.add, .date, .duration), (.subtract, .date, .duration), (.add, .duration, .date): return .date
        default: return nil
        }
    }

    private func verb(_ op: BinaryOperator) -> String {
        switch op {
        case .add: "add"
        case .subtract: "subtract"
        case .multiply: "multiply"
        default: "divide"
        }
    }

    private func arithmeticHelp(_ op: BinaryOperator, _ a: ValueType, _ b: ValueType) -> String? {
        if a == .date, b.isNumeric { return "move a date by a duration, as in last_order_date + 30 days" }
        if a == .text || b == .text { return "join text with a message: \"{a}{b}\"" }
        if a == .duration || b == .duration { return "durations move dates: date + 7 days" }
        return nil
    }

    /// How a type is named in messages: "money", "a date", "a label of `tier`".
    func describe(_ type: ValueType) -> String {
        switch type {
        case .int: "a whole number"
        case .number: "a number"
        case .money: "money"
        case .percent: "a percentage"
        case .text: "text"
        case .bool: "true/false"
        case .date: "a date"
        case .duration: "a duration"
        case .label(let s): "a label of `\(segmentDeclarations.indices.contains(s) ? segmentDeclarations[s].name.text : "?")`"
        case .list(let t): "a list of \(describe(t))"
        case .none: "`none`"
        case .unknown: "an unknown value"
        }
    }
}
