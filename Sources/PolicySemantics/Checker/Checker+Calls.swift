import PolicySyntax

extension Checker {
    mutating func checkCall(_ function: Name, _ arguments: [Expression], filter: Expression?, at span: SourceSpan) -> Typed {
        // `min` and `max` of one value are aggregates over orders; of two, builtins.
        if let kind = AggregateKind(rawValue: function.text), !((kind == .min || kind == .max) && arguments.count != 1) {
            return checkAggregate(kind, arguments, filter: filter, at: span)
        }
        if let filter {
            diagnostics.error(.invalidOrderAggregate, "`where` picks the orders an aggregate reads; `\(function.text)` is no aggregate",
                              at: filter.span, help: "write count(orders where ...), sum(orders.amount where ...) and the like")
        }
        if Self.historyFunctions.contains(function.text) {
            return checkHistoryCall(function, arguments, at: span)
        }
        guard let builtin = Builtin(rawValue: function.text) else {
            let all = Builtin.allCases.map(\.rawValue) + AggregateKind.allCases.map(\.rawValue) + Self.historyFunctions
            diagnostics.error(.unknownFunction, "unknown function `\(function.text)`", at: function.span,
                              help: Suggest.closest(to: function.text, among: all).map { "did you mean `\($0)`?" })
            for argument in arguments { _ = check(argument) }
            return Typed(.literal(.none), .unknown)
        }
        let typed = arguments.map { check($0) }
        let types = typed.map(\.type)
        let bound = Typed(.call(builtin, typed.map(\.expression)), .unknown)
        func result(_ type: ValueType) -> Typed { Typed(bound.expression, type) }

        let arity: Int
        switch builtin {
        case .min, .max, .round, .contains, .startsWith, .endsWith: arity = 2
        default: arity = 1
        }
        guard arguments.count == arity else {
            diagnostics.error(.argumentCount, "`\(builtin.rawValue)` takes \(arity) argument\(arity == 1 ? "" : "s"), not \(arguments.count)",
                              at: span, help: "write \(signature(builtin))")
            return Typed(.literal(.none), .unknown)
        }
        func require(_ index: Int, _ ok: (ValueType) -> Bool, _ what: String) -> Bool {
            if types[index].isWildcard || ok(types[index]) { return true }
            diagnostics.error(.argumentType, "`\(builtin.rawValue)` needs \(what), not \(describe(types[index]))",
                              at: arguments[index].span, help: "write \(signature(builtin))")
            return false
        }
        switch builtin {
        case .daysSince, .daysUntil:
            _ = require(0, { $0 == .date }, "a date")
            return result(.int)
        case .nextAnniversary:
            _ = require(0, { $0 == .date }, "a date")
            return result(.date)
        case .year, .month, .day, .weekday:
            _ = require(0, { $0 == .date }, "a date")
            return result(.int)
        case .min, .max:
            if !comparable(types[0], types[1]) || !isOrdered(types[0]) {
                diagnostics.error(.argumentType, "`\(builtin.rawValue)` needs two values of the same kind, not \(describe(types[0])) and \(describe(types[1]))",
                                  at: span)
                return Typed(.literal(.none), .unknown)
            }
            if types[0].isNumeric, types[1].isNumeric {
                return result(arithmeticType(.add, types[0], types[1]) ?? .number)
            }
            return result(types[0].isWildcard ? types[1] : types[0])
        case .abs:
            _ = require(0, { $0.isNumeric }, "a number")
            return result(types[0])
        case .round:
            _ = require(0, { $0.isNumeric }, "a number")
            _ = require(1, { $0 == .int }, "a whole number of places")
            return result(types[0] == .int ? .int : types[0])
        case .lower, .upper:
            _ = require(0, { $0 == .text }, "text")
            return result(.text)
        case .length:
            _ = require(0, { $0 == .text }, "text")
            return result(.int)
        case .contains, .startsWith, .endsWith:
            _ = require(0, { $0 == .text }, "text")
            _ = require(1, { $0 == .text }, "text")
            return result(.bool)
        }
    }

    func signature(_ builtin: Builtin) -> String {
        switch builtin {
        case .daysSince, .daysUntil, .nextAnniversary, .year, .month, .day, .weekday: "\(builtin.rawValue)(date)"
        case .min, .max: "\(builtin.rawValue)(a, b)"
        case .abs: "abs(number)"
        case .round: "round(number, places)"
        case .lower, .upper, .length: "\(builtin.rawValue)(text)"
        case .contains, .startsWith, .endsWith: "\(builtin.rawValue)(text, part)"
        }
    }

    static let historyFunctions = ["last_sent", "times_sent", "last_contact"]

    /// `last_sent("Rule")`, `times_sent("Rule", 30 days)`, `last_contact()`: the rule is
    /// named in quotes and must exist; the window is a duration written out.
    mutating func checkHistoryCall(_ function: Name, _ arguments: [Expression], at span: SourceSpan) -> Typed {
        let form = switch function.text {
        case "last_sent": "last_sent(\"Rule\")"
        case "times_sent": "times_sent(\"Rule\", 30 days)"
        default: "last_contact()"
        }
        let arity = function.text == "last_sent" ? 1 : (function.text == "times_sent" ? 2 : 0)
        guard arguments.count == arity else {
            diagnostics.error(.argumentCount, "`\(function.text)` takes \(arity) argument\(arity == 1 ? "" : "s"), not \(arguments.count)",
                              at: span, help: "write \(form)")
            return Typed(.literal(.none), .unknown)
        }
        if arity == 0 { return Typed(.history(.lastContact), .date) }
        guard case .text(let name)? = SchemaBuilder.constant(arguments[0]) else {
            diagnostics.error(.argumentType, "`\(function.text)` needs a rule's name in quotes", at: arguments[0].span, help: "write \(form)")
            return Typed(.literal(.none), .unknown)
        }
        guard let rule = ruleNames.firstIndex(of: name) else {
            diagnostics.error(.unknownRule, "no rule is named \"\(name)\"", at: arguments[0].span,
                              help: Suggest.closest(to: name, among: ruleNames).map { "did you mean \"\($0)\"?" })
            return Typed(.literal(.none), .unknown)
        }
        if arity == 1 { return Typed(.history(.lastSent(rule: rule)), .date) }
        let window = check(arguments[1])
        guard case .literal(let literal) = window.expression, case .duration(let duration)? = literal.value else {
            diagnostics.error(.argumentType, "`times_sent` counts within a duration written out, as in 30 days", at: arguments[1].span,
                              help: "write \(form)")
            return Typed(.literal(.none), .unknown)
        }
        return Typed(.history(.timesSent(rule: rule, window: duration)), .int)
    }

    /// Aggregates become entries of `aggregates`; the expression refers to them by index.
    /// One whose argument or `where` reads an `orders.` field (or `count(orders)`)
    /// aggregates each customer's own orders; any other, the whole population.
    mutating func checkAggregate(_ kind: AggregateKind, _ arguments: [Expression], filter: Expression?, at span: SourceSpan) -> Typed {
        let expected = kind == .ntile ? 2 : (kind == .count ? 0 : 1)
        if arguments.count != expected, !(kind == .count && arguments.count == 1) {
            diagnostics.error(.argumentCount, "`\(kind.rawValue)` takes \(expected) argument\(expected == 1 ? "" : "s"), not \(arguments.count)",
                              at: span, help: "write \(form(kind))")
            return Typed(.literal(.none), .unknown)
        }
        // The argument and the filter are read in a scope of their own: an order's
        // field there makes this an aggregate over orders (nested aggregates have theirs).
        let outer = orderScope
        orderScope = OrderScope(allowed: orderSchema != nil, used: false)
        var argument: Typed? = nil
        if let first = arguments.first {
            if kind == .count, orderSchema != nil, case .name(let name) = first.kind, name.text == "orders" {
                orderScope.used = true
            } else {
                argument = check(first)
            }
        }
        let checkedFilter = filter.map { checkCondition($0) }
        let overOrders = orderScope.used
        orderScope = outer

        if let filter, !overOrders {
            diagnostics.error(.invalidOrderAggregate, "`where` picks the customer's orders an aggregate reads, and this one reads none",
                              at: filter.span, help: orderSchema == nil ? "declare an `orders { ... }` block to aggregate orders"
                                : "aggregate an order's field, as in count(orders where orders.amount > 100)")
            return Typed(.literal(.none), .unknown)
        }
        if !overOrders, [.min, .max, .distinct, .first, .last].contains(kind) {
            let help = orderSchema == nil ? "declare an `orders { ... }` block, and write \(form(kind))" : "write \(form(kind))"
            let what = kind == .min || kind == .max
                ? "`\(kind.rawValue)` of one value works over a customer's orders; of two values, write \(kind.rawValue)(a, b)"
                : "`\(kind.rawValue)` works over a customer's orders"
            diagnostics.error(.invalidOrderAggregate, what, at: span, help: help)
            return Typed(.literal(.none), .unknown)
        }
        if overOrders, kind.isPerCustomer || kind == .median {
            let help = kind == .median ? "over orders, write mean(...), min(...) or max(...)"
                : "rank a value per customer, as in \(kind.rawValue)(sum(orders.amount)\(kind == .ntile ? ", 5" : ""))"
            diagnostics.error(.invalidOrderAggregate, "`\(kind.rawValue)` works over the customers, not a customer's orders", at: span,
                              help: help)
            return Typed(.literal(.none), .unknown)
        }
        if overOrders, kind == .first || kind == .last, orderSchema?.firstDateSlot == nil {
            diagnostics.error(.invalidOrderAggregate, "`\(kind.rawValue)` takes the value of the \(kind == .first ? "earliest" : "latest") order, and the orders block has no date field",
                              at: span, help: "declare the orders' date, as in `ordered_on date from \"InvoiceDate\"`")
            return Typed(.literal(.none), .unknown)
        }
        if let typed = argument, let first = arguments.first {
            let ok: Bool
            switch kind {
            case .percentRank, .ntile, .cumeDist, .min, .max: ok = typed.type.isNumeric || typed.type == .date || typed.type == .text
            case .mean, .median, .sum, .cumulativeShare: ok = typed.type.isNumeric
            case .count, .distinct, .first, .last:
                if case .list = typed.type { ok = false } else { ok = true }
            }
            if !ok, !typed.type.isWildcard {
                diagnostics.error(.argumentType, "`\(kind.rawValue)` cannot take \(describe(typed.type))", at: first.span)
            }
        }
        var buckets = 0
        if kind == .ntile {
            if case .number(let t) = arguments[1].kind, let n = Int(t), n > 0, n <= 1_000_000 {
                buckets = n
            } else {
                diagnostics.error(.invalidNtile, "the number of ntile buckets must be a whole number from 1 up",
                                  at: arguments[1].span, help: "write ntile(total_spend, 5) for quintiles")
            }
        }
        let argumentType = argument?.type ?? .int
        let type: ValueType
        switch kind {
        case .percentRank, .cumulativeShare, .cumeDist: type = .number
        case .ntile, .count, .distinct: type = .int
        case .mean: type = argumentType == .money ? .money : (argumentType == .percent ? .percent : .number)
        case .median: type = argumentType == .int ? .number : argumentType
        case .sum, .min, .max, .first, .last: type = argumentType
        }
        var spec = AggregateSpec(kind: kind, argument: argument, buckets: buckets, type: type, span: span)
        spec.overOrders = overOrders
        spec.filter = checkedFilter
        aggregates.append(spec)
        return Typed(.aggregate(aggregates.count - 1), type)
    }

    /// How an aggregate is written, for hints.
    func form(_ kind: AggregateKind) -> String {
        switch kind {
        case .ntile: "ntile(value, buckets)"
        case .count: orderSchema == nil ? "count()" : "count() or count(orders)"
        case .min, .max: "\(kind.rawValue)(orders.ordered_on)"
        case .distinct: "distinct(orders.invoice)"
        case .first, .last: "\(kind.rawValue)(orders.amount)"
        default: "\(kind.rawValue)(value)"
        }
    }
}
