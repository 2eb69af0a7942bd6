import PolicySyntax

/// Resolves names and checks types across a policy's declarations, producing a
/// `CheckedPolicy` the runtime can plan. It reports every error it finds rather than
/// stopping at the first.
public struct Checker {
    enum Entry {
        case field(Int)
        case letValue(Int)
        case segment(Int)
    }

    /// Where a let or segment stands in checking, for cycle detection.
    enum State { case unchecked, checking, done }

    var schema: Schema
    /// The orders block's fields, when the policy has one.
    var orderSchema: Schema? = nil
    /// Where `orders.` fields may be used, and whether the aggregate being checked used one.
    var orderScope = OrderScope()
    var diagnostics = DiagnosticBag()
    var names: [String: Entry] = [:]

    var letDeclarations: [LetDeclaration] = []
    var letStates: [State] = []
    var lets: [LetSpec?] = []

    var segmentDeclarations: [SegmentDeclaration] = []
    var segmentStates: [State] = []
    var segmentLabels: [[String]] = []
    /// Per segment, each label's index: a segment may have thousands of labels, and
    /// every case and every label in a condition looks one up.
    var labelIndexes: [[String: Int]] = []
    var segments: [SegmentSpec?] = []

    var aggregates: [AggregateSpec] = []
    /// The rules' names, in file order, for the history functions and `sent` records.
    var ruleNames: [String] = []
    var ruleDeclarationsByName: [String: RuleDeclaration] = [:]
    /// The lets and segments being checked, innermost last: the path of a cycle.
    var checkingStack: [String] = []

    /// Inside an aggregate's argument and `where`: `orders.` fields may be read there
    /// (`allowed`), and reading one (`used`) makes it an aggregate over orders.
    struct OrderScope {
        var allowed = false
        var used = false
    }

    init(schema: Schema) {
        self.schema = schema
    }

    /// Checks the declarations of a policy (its own and those of `use`d files, in
    /// order). `inferredSchema` is used when the policy has no `customer` block.
    public static func check(_ program: LoadedPolicy, inferredSchema: Schema? = nil) -> (CheckedPolicy?, DiagnosticBag) {
        let (policy, _, bag) = check(program, inferredSchema: inferredSchema, extra: [])
        return (policy, bag)
    }

    /// Checks a policy and, in the same scope, `extra` expressions taken from it (the
    /// parts of conditions `policy explain` reports on). Aggregates the extras use are
    /// appended to the policy's, so planning and computing it covers them too.
    public static func check(_ program: LoadedPolicy, inferredSchema: Schema? = nil,
                             extra: [Expression]) -> (CheckedPolicy?, [Typed], DiagnosticBag) {
        var bag = DiagnosticBag()
        let declarations = program.declarations
        let customerBlock = firstBlock(declarations, of: "customer", code: .duplicateCustomerBlock, &bag) {
            if case .customer(let block) = $0 { block } else { nil }
        }
        let ordersBlock = firstBlock(declarations, of: "orders", code: .invalidOrders, &bag) {
            if case .orders(let block) = $0 { block } else { nil }
        }
        let orders = ordersBlock.map { SchemaBuilder.buildOrders($0, diagnostics: &bag) }
        let schema: Schema
        if let block = customerBlock {
            schema = SchemaBuilder.build(block, diagnostics: &bag)
        } else if let inferredSchema {
            schema = inferredSchema
        } else if let orders, orders.fields.indices.contains(orders.keySlot) {
            // The customers are the orders' distinct customers (SPEC section 5): the key alone.
            let customer = orders.fields[orders.keySlot]
            schema = Schema(fields: [FieldSpec(name: customer.name, type: customer.type, isKey: true, span: customer.span)],
                            keySlot: 0, inferred: true)
        } else {
            let main = program.files[0].source
            bag.error(.noSchema, "this policy has no customer block, so its fields are not known",
                      at: SourceSpan(file: main, start: 0, end: 0),
                      help: "add a `customer { ... }` block, or pass --customers FILE to take the fields from the data")
            return (nil, [], bag)
        }
        var checker = Checker(schema: schema)
        checker.orderSchema = orders
        if let orders, orders.fields.indices.contains(orders.keySlot), schema.fields.indices.contains(schema.keySlot) {
            let customer = orders.fields[orders.keySlot], key = schema.fields[schema.keySlot]
            // A customer field of no key type at all is reported as that.
            if customer.type != key.type, customer.type == .text || customer.type == .int {
                bag.error(.invalidOrders, "the orders' `\(customer.name)` is \(customer.type.rawValue), but the customers' key `\(key.name)` is \(key.type.rawValue)",
                          at: customer.span ?? ordersBlock?.span ?? SourceSpan(file: program.files[0].source, start: 0, end: 0), help: "declare both as \(key.type.rawValue), so that an order finds its customer")
            }
        }
        checker.diagnostics = bag
        var policy = checker.checkAll(program)
        // An extra that does not check on its own (a bare label) is simply not
        // reported on: its complaints are not the policy's.
        let diagnostics = checker.diagnostics
        var extras: [Typed] = []
        for e in extra { extras.append(checker.check(e)) }
        checker.diagnostics = diagnostics
        policy.aggregates = checker.aggregates
        policy.orders = orders
        return (checker.diagnostics.hasErrors ? nil : policy, extras, checker.diagnostics)
    }

    /// The first block of a kind (`customer`, `orders`) among the declarations; each
    /// further one is an error (a policy has one of each).
    static func firstBlock(_ declarations: [Declaration], of word: String, code: DiagnosticCode, _ bag: inout DiagnosticBag,
                           _ block: (Declaration) -> FieldBlock?) -> FieldBlock? {
        let blocks = declarations.compactMap(block)
        for extra in blocks.dropFirst() {
            bag.error(code, "a policy has one \(word) block; this is a second one", at: extra.span,
                      help: "merge the fields into the first \(word) block")
        }
        return blocks.first
    }

    mutating func checkAll(_ program: LoadedPolicy) -> CheckedPolicy {
        var title: String? = nil
        var ruleDeclarations: [RuleDeclaration] = []
        var resolveDeclarations: [ResolveDeclaration] = []
        var limitDeclarations: [LimitDeclaration] = []
        var holdoutDeclarations: [HoldoutDeclaration] = []
        var testDeclarations: [TestDeclaration] = []
        for (slot, field) in schema.fields.enumerated() {
            if names[field.name] == nil { names[field.name] = .field(slot) }
        }
        for declaration in program.declarations {
            switch declaration {
            case .title(let text, _): title = title ?? text
            case .use, .customer, .orders: break
            case .let(let d):
                if register(d.name, as: .letValue(letDeclarations.count)) {
                    letDeclarations.append(d)
                }
            case .segment(let d):
                if register(d.name, as: .segment(segmentDeclarations.count)) {
                    segmentDeclarations.append(d)
                }
            case .rule(let d): ruleDeclarations.append(d)
            case .resolve(let d): resolveDeclarations.append(d)
            case .limit(let d): limitDeclarations.append(d)
            case .holdout(let d): holdoutDeclarations.append(d)
            case .test(let d): testDeclarations.append(d)
            }
        }
        ruleNames = ruleDeclarations.map(\.name)
        ruleDeclarationsByName = Dictionary(ruleDeclarations.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        letStates = Array(repeating: .unchecked, count: letDeclarations.count)
        lets = Array(repeating: nil, count: letDeclarations.count)
        segmentStates = Array(repeating: .unchecked, count: segmentDeclarations.count)
        segments = Array(repeating: nil, count: segmentDeclarations.count)
        segmentLabels = []
        labelIndexes = []
        for d in segmentDeclarations {
            let labels = collectLabels(d)
            segmentLabels.append(labels)
            labelIndexes.append(Dictionary(labels.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first }))
        }

        for index in letDeclarations.indices { _ = resolveLet(index) }
        for index in segmentDeclarations.indices { resolveSegment(index) }
        let rules = checkRules(ruleDeclarations)
        let resolutions = checkResolutions(resolveDeclarations)
        let limits = checkLimits(limitDeclarations, rules: rules)
        let holdout = checkHoldout(holdoutDeclarations, rules: rules)
        var tests: [TestSpec] = []
        for d in testDeclarations { tests.append(checkTest(d)) }

        return CheckedPolicy(
            title: title, schema: schema,
            lets: lets.compactMap { $0 }, segments: segments.compactMap { $0 }, rules: rules,
            aggregates: aggregates, resolutions: resolutions, tests: tests, files: program.files, limits: limits, holdout: holdout)
    }

    /// Adds a let or segment name; false (with an error) when the name is taken.
    mutating func register(_ name: Name, as entry: Entry) -> Bool {
        if let existing = names[name.text] {
            let what: String
            switch existing {
            case .field: what = "a field"
            case .letValue: what = "a let"
            case .segment: what = "a segment"
            }
            diagnostics.error(.duplicateName, "`\(name.text)` is already \(what)", at: name.span,
                              help: "give it another name")
            return false
        }
        if ActionKind(rawValue: name.text) != nil {
            diagnostics.error(.duplicateName, "`\(name.text)` is the name of an action kind", at: name.span,
                              help: "give it another name, such as `\(name.text)_level`")
            return false
        }
        names[name.text] = entry
        return true
    }

    // MARK: - Lets and segments, checked on first use

    /// Checks a let the first time it is needed and returns its type; a let met again
    /// while it is being checked closes a cycle.
    mutating func resolveLet(_ index: Int) -> ValueType {
        switch letStates[index] {
        case .done: return lets[index]?.value.type ?? .unknown
        case .checking:
            reportCycle(letDeclarations[index].name)
            return .unknown
        case .unchecked:
            let declaration = letDeclarations[index]
            letStates[index] = .checking
            checkingStack.append(declaration.name.text)
            // A let is the customer's: an order's field means nothing there, outside an aggregate.
            let scope = orderScope
            orderScope = OrderScope()
            defer { orderScope = scope }
            var value = check(declaration.value)
            if case .list = value.type {
                diagnostics.error(.typeMismatch, "a let cannot hold a list", at: declaration.value.span,
                                  help: "write the list where it is used: x in [a, b]")
                value = Typed(.literal(.none), .unknown)
            }
            checkingStack.removeLast()
            lets[index] = LetSpec(name: declaration.name.text, value: value, span: declaration.name.span)
            letStates[index] = .done
            return value.type
        }
    }

    /// Checks a segment's conditions the first time it is needed.
    mutating func resolveSegment(_ index: Int) {
        switch segmentStates[index] {
        case .done: return
        case .checking:
            reportCycle(segmentDeclarations[index].name)
        case .unchecked:
            let declaration = segmentDeclarations[index]
            segmentStates[index] = .checking
            checkingStack.append(declaration.name.text)
            let scope = orderScope
            orderScope = OrderScope()
            defer { orderScope = scope }
            var cases: [(Int, CheckedExpression?)] = []
            for (position, c) in declaration.cases.enumerated() {
                guard let label = labelIndexes[index][c.label.text] else { continue }
                if let condition = c.condition {
                    cases.append((label, checkCondition(condition)))
                } else {
                    if position != declaration.cases.count - 1 {
                        diagnostics.error(.misplacedOtherwise, "`otherwise` must be the segment's last label",
                                          at: c.label.span, help: "labels after `otherwise` could never be chosen")
                    }
                    cases.append((label, nil))
                }
            }
            checkingStack.removeLast()
            segments[index] = SegmentSpec(name: declaration.name.text, labels: segmentLabels[index], cases: cases,
                                          span: declaration.name.span)
            segmentStates[index] = .done
        }
    }

    /// The segment's labels in order; a label listed twice is an error (the second
    /// could never be chosen).
    mutating func collectLabels(_ declaration: SegmentDeclaration) -> [String] {
        var labels: [String] = []
        var seen: Set<String> = []
        for c in declaration.cases {
            if !seen.insert(c.label.text).inserted {
                diagnostics.error(.duplicateLabel, "the label `\(c.label.text)` is already in segment `\(declaration.name.text)`",
                                  at: c.label.span, help: "a customer gets the first label that matches; join the two conditions with `or`")
            } else {
                labels.append(c.label.text)
            }
        }
        return labels
    }

    mutating func reportCycle(_ name: Name) {
        let start = checkingStack.firstIndex(of: name.text) ?? 0
        let path = (checkingStack[start...] + [name.text]).map { "`\($0)`" }.joined(separator: " -> ")
        diagnostics.error(.cycle, "`\(name.text)` depends on itself: \(path)", at: name.span,
                          help: "a let or segment cannot use itself, directly or through others")
    }
}
