import PolicyValues
import PolicySyntax
import PolicySemantics

extension Program {
    /// Plans a checked policy for one as-of date. `expressions` are planned with it,
    /// to be evaluated by `Evaluator.value(ofExpression:row:)` (a test's `expect`
    /// conditions, the parts of a condition `explain` shows). Errors here are rare:
    /// constants too large to hold, date patterns that cannot be read.
    public static func plan(_ policy: CheckedPolicy, asOf: CivilDate, expressions: [CheckedExpression] = []) -> (Program?, DiagnosticBag) {
        plan(policy, asOf: asOf, expressions: expressions, layout: nil, orderLayout: nil)
    }

    /// This program for tables laid out otherwise than `makeTable` and
    /// `makeOrderTable` lay them out (every field kept, or kept as values): itself
    /// when the layouts agree.
    public func laidOut(for table: CustomerTable, orders: CustomerTable? = nil) -> Program {
        let ordersLayout = orders?.layout ?? orderLayout
        if table.layout == layout, ordersLayout == orderLayout { return self }
        // INVARIANT: planning succeeded once for this policy and date; the layout
        // does not change what can be planned.
        return Program.plan(policy, asOf: asOf, expressions: expressionSources, layout: table.layout, orderLayout: ordersLayout).0!
    }

    static func plan(_ policy: CheckedPolicy, asOf: CivilDate, expressions: [CheckedExpression], layout: [CustomerTable.Column]?,
                     orderLayout: [CustomerTable.Column]?) -> (Program?, DiagnosticBag) {
        var (fields, diagnostics) = FieldPlan.plan(policy.schema)
        var orderFields: [FieldPlan] = []
        if let orders = policy.orders {
            let (plans, orderDiagnostics) = FieldPlan.plan(orders)
            orderFields = plans
            diagnostics.append(contentsOf: orderDiagnostics)
        }
        let formatter = ValueFormatter(labels: policy.segments.map(\.labels))
        var planner = Planner(asOf: asOf, formatter: formatter)
        planner.plan(policy, expressions: expressions)
        var all = diagnostics
        all.append(contentsOf: planner.diagnostics)
        if all.hasErrors { return (nil, all) }
        let used = planner.usedFields.union([policy.schema.keySlot])
        let layout = layout ?? CustomerTable(types: fields.map(\.columnType), keep: used).layout
        let orderLayout = orderLayout ?? CustomerTable(types: orderFields.map(\.columnType), keep: planner.usedOrderFields).layout
        planner.shareOrderOperations()
        planner.readFields(from: layout, orders: orderLayout)
        let program = Program(policy: policy, asOf: asOf, fields: fields, formatter: formatter, layout: layout,
                              orderFields: orderFields, orderLayout: orderLayout,
                              planned: planner, usedFields: used, expressionSources: expressions)
        return (program, all)
    }
}

/// Turns a checked policy's expressions into operations, and lays out its records.
struct Planner {
    let asOf: CivilDate
    let formatter: ValueFormatter
    var diagnostics = DiagnosticBag()

    var ops: [Operation] = []
    var arena: [UInt8] = []
    var operands: [Int32] = []
    var parts: [MessagePart] = []
    var types: [ValueType] = []
    var pool: [Value] = []
    var lets: [Int32] = []
    var segments: [PlannedSegment] = []
    var cases: [PlannedCase] = []
    var labelNames: [ByteText] = []
    var rules: [PlannedRule] = []
    var actions: [PlannedAction] = []
    var constantAmounts: [ExactDecimal?] = []
    var aggregates: [PlannedAggregate] = []
    var resolutions: [PlannedResolution] = []
    var expressions: [Int32] = []
    var historyQueries: [HistoryQuery] = []
    var usedFields = Set<Int>()
    var usedOrderFields = Set<Int>()
    /// Each expression planned so far, and its operation: an expression written twice
    /// (a `where` repeated over several aggregates) is one operation.
    var planned: [CheckedExpression: Int32] = [:]
    /// Per operation: how many times it is read, and whether it reads an order's field.
    var uses: [Int32] = []
    var readsOrder: [Bool] = []
    /// How many operations are `shared`.
    var sharedCount = 0
    /// The holdout's seed and "/", in the arena.
    var holdoutSeed: ByteText? = nil

    init(asOf: CivilDate, formatter: ValueFormatter) {
        self.asOf = asOf
        self.formatter = formatter
    }

    mutating func plan(_ policy: CheckedPolicy, expressions extra: [CheckedExpression]) {
        lets = policy.lets.map { op($0.value.expression) }
        for s in policy.segments {
            segments.append(PlannedSegment(name: text(s.name), firstCase: Int32(cases.count), caseCount: Int32(s.cases.count),
                                           firstLabel: Int32(labelNames.count), labelCount: Int32(s.labels.count)))
            for c in s.cases { cases.append(PlannedCase(label: Int32(c.label), condition: c.condition.map { op($0) } ?? -1)) }
            labelNames += s.labels.map { text($0) }
        }
        for (index, rule) in policy.rules.enumerated() {
            var planned = PlannedRule(condition: op(rule.condition), name: text(rule.name),
                                      firstAction: Int32(actions.count), actionCount: Int32(rule.actions.count))
            switch rule.modifier {
            case .once?: planned.modifier = .once
            case .oncePer(let window)?: planned.modifier = .oncePer(window)
            case .onceFor(let occasion)?: planned.modifier = .onceFor(op(occasion.expression), type: type(occasion.type))
            case nil: break
            }
            if let quota = rule.quota { planned.quotaOrder = op(quota.order.expression) }
            rules.append(planned)
            for spec in rule.actions { action(spec, rule: index) }
        }
        holdoutSeed = policy.holdout.map { text($0.seed + "/") }
        var needs = AggregateNeeds(policy)
        aggregates = policy.aggregates.map { a in
            var argumentField: Int? = nil
            if !a.overOrders, case .field(let slot)? = a.argument?.expression { argumentField = slot }
            var planned = PlannedAggregate(kind: a.kind, argument: a.argument.map { op($0.expression) } ?? -1,
                                           argumentField: argumentField, buckets: a.buckets)
            planned.overOrders = a.overOrders
            planned.filter = a.filter.map { op($0) } ?? -1
            if a.overOrders, a.kind == .first || a.kind == .last, let date = policy.orders?.firstDateSlot {
                planned.orderDate = op(.orderField(date))
            }
            planned.needs = needs.highest(in: a)
            return planned
        }
        resolutions = policy.resolutions.values.sorted { $0.kind.rawValue < $1.kind.rawValue }.map { spec in
            var cap: ExactDecimal? = nil
            if let literal = spec.cap, case .number(let n)? = literal.value { cap = n }
            var capIsPercent = false
            if case .percent? = spec.cap { capIsPercent = true }
            return PlannedResolution(kind: spec.kind, strategy: spec.strategy, perChannel: spec.perChannel, cap: cap,
                                     capIsPercent: capIsPercent)
        }
        expressions = extra.map { op($0) }
    }

    mutating func text(_ string: String) -> ByteText {
        let start = Int32(arena.count)
        arena.append(contentsOf: string.utf8)
        return ByteText(start: start, count: Int32(arena.count) - start)
    }

    mutating func type(_ type: ValueType) -> Int32 {
        if let i = types.firstIndex(of: type) { return Int32(i) }
        types.append(type)
        return Int32(types.count - 1)
    }

    mutating func constant(_ value: Value) -> Operation {
        if let inline = Scalar.inline(value) { return .constant(inline) }
        pool.append(value)
        return .constant(Scalar(kind: .boxed, scale: 0, extra: 0, bits: Int64(pool.count - 1)))
    }

    mutating func list(_ items: [CheckedExpression]) -> (first: Int32, count: Int32) {
        let indexes = items.map { op($0) }
        let first = Int32(operands.count)
        operands.append(contentsOf: indexes)
        return (first, Int32(indexes.count))
    }

    /// Appends an expression's operations (operands first) and returns the index of its
    /// own; an expression already planned is not planned again (operations are pure).
    mutating func op(_ bound: CheckedExpression) -> Int32 {
        if let known = self.planned[bound] {
            uses[Int(known)] += 1
            return known
        }
        let index = newOp(bound)
        self.planned[bound] = index
        uses.append(1)
        readsOrder.append(Self.readsOrder(bound))
        return index
    }

    /// Whether an expression reads a field of the order being aggregated (a let, a
    /// segment or an aggregate is the customer's, whatever it reads).
    static func readsOrder(_ e: CheckedExpression) -> Bool {
        switch e {
        case .orderField: true
        case .letValue, .segment, .aggregate: false
        default: e.children.contains(where: readsOrder)
        }
    }

    /// Makes each operation on an order that is read more than once `shared`: the
    /// operation moves to the end, and its first place keeps its value per order.
    mutating func shareOrderOperations() {
        for i in 0..<ops.count where uses[i] > 1 && readsOrder[i] {
            switch ops[i] {
            case .constant, .shared: continue
            default: break
            }
            ops.append(ops[i])
            ops[i] = .shared(Int32(ops.count - 1), slot: Int32(sharedCount))
            sharedCount += 1
        }
    }

    /// The value of arithmetic on constants (`today - 90 days`), worked out once here; nil
    /// for anything else, and for a division by zero (counted when it is met).
    func folded(_ e: CheckedExpression) -> Value? {
        switch e {
        case .literal(let literal): return literal.value
        case .today: return .date(asOf)
        case .negate(let x): return folded(x).map(ValueOperations.negate)
        case .arithmetic(let o, let a, let b):
            guard let x = folded(a), let y = folded(b) else { return nil }
            var divisions = 0
            let v = ValueOperations.arithmetic(o, x, y, divisionsByZero: &divisions)
            return divisions == 0 ? v : nil
        default: return nil
        }
    }

    private mutating func newOp(_ bound: CheckedExpression) -> Int32 {
        let planned: Operation
        switch bound {
        case .literal(let literal):
            // INVARIANT: the parser only lets through literals that fit; a nil here is
            // a number too large for a duration, whose value is then none.
            planned = constant(literal.value ?? .none)
        case .field(let slot):
            usedFields.insert(slot)
            planned = .field(slot: Int32(slot))
        case .orderField(let slot):
            usedOrderFields.insert(slot)
            planned = .orderField(slot: Int32(slot))
        case .letValue(let i): planned = .letValue(Int32(i))
        case .segment(let i): planned = .segment(Int32(i))
        case .label(_, let index): planned = constant(.label(index))
        case .aggregate(let i): planned = .aggregate(Int32(i))
        case .today: planned = constant(.date(asOf))
        case .history(let query):
            historyQueries.append(query)
            planned = .history(Int32(historyQueries.count - 1))
        case .negate(let x): planned = folded(bound).map { constant($0) } ?? .negate(op(x))
        case .not(let x): planned = .not(op(x))
        case .arithmetic(let o, let a, let b): planned = folded(bound).map { constant($0) } ?? .arithmetic(o, op(a), op(b))
        case .compare(let o, let a, let b): planned = .compare(o, op(a), op(b))
        case .and(let a, let b): planned = .and(op(a), op(b))
        case .or(let a, let b): planned = .or(op(a), op(b))
        case .coalesce(let a, let b): planned = .coalesce(op(a), op(b))
        case .between(let v, let lo, let hi): planned = .between(op(v), lower: op(lo), upper: op(hi))
        case .conditional(let c, let a, let b): planned = .conditional(op(c), then: op(a), otherwise: op(b))
        case .member(let v, let items, let negated):
            let x = op(v)
            let (first, count) = list(items)
            planned = .member(x, first: first, count: count, negated: negated)
        case .isNone(let v, let negated): planned = .isNone(op(v), negated: negated)
        case .call(let builtin, let arguments):
            let (first, count) = list(arguments)
            planned = .call(builtin, first: first, count: count)
        case .interpolate(let pieces):
            let planned_ = pieces.map { piece -> MessagePart in
                switch piece {
                case .text(let t): return .text(text(t))
                case .value(let b, let valueType): return .value(op(b), type: type(valueType))
                }
            }
            let first = Int32(parts.count)
            parts.append(contentsOf: planned_)
            planned = .interpolate(first: first, count: Int32(planned_.count))
        }
        ops.append(planned)
        return Int32(ops.count - 1)
    }

    /// Field reads go to the columns the tables keep them in.
    mutating func readFields(from layout: [CustomerTable.Column], orders: [CustomerTable.Column]) {
        for i in ops.indices {
            if case .orderField(let slot) = ops[i] {
                let column = orders[Int(slot)]
                switch column.storage {
                case .decimal: ops[i] = .orderDecimalField(column: Int32(column.index), slot: slot)
                case .date: ops[i] = .orderDateField(column: Int32(column.index))
                case .text: ops[i] = .orderTextField(column: Int32(column.index))
                case .bool, .other, .skipped: break
                }
            }
            guard case .field(let slot) = ops[i] else { continue }
            let column = layout[Int(slot)]
            switch column.storage {
            case .decimal: ops[i] = .decimalField(column: Int32(column.index), slot: slot)
            case .date: ops[i] = .dateField(column: Int32(column.index))
            case .bool: ops[i] = .boolField(column: Int32(column.index))
            case .text: ops[i] = .textField(column: Int32(column.index), slot: slot)
            case .other, .skipped: break
            }
        }
    }

    /// Plans an action and lays out its record: what is constant is written here, once.
    mutating func action(_ spec: ActionSpec, rule: Int) {
        let valueType = spec.value?.type ?? .text
        let value = spec.value.map { op($0.expression) } ?? -1
        var written: (text: String, amount: ExactDecimal?)? = nil
        if value >= 0, let v = constantValue(value), !v.isNone {
            written = Written.value(v, kind: spec.kind, valueType: valueType, formatter: formatter)
        }
        var planned = PlannedAction(
            kind: spec.kind, kindName: text(spec.kind.rawValue), rule: Int32(rule), constantValue: nil,
            value: value, checksValue: value >= 0 && written == nil, valueType: type(valueType),
            isPercent: spec.kind == .discount && valueType == .percent,
            constantChannel: .empty, channel: -1, constantDue: .empty, within: -1,
            severity: text(spec.severity ?? ""), message: spec.message.map { op($0) } ?? -1, isConstant: false)
        if spec.kind == .alert {
            // An alert writes its name; a value that is none still drops the record.
            planned.constantValue = text(spec.alertName ?? "")
        } else if let written {
            planned.constantValue = text(written.text)
        } else if value < 0 {
            planned.constantValue = .empty
        }
        if spec.kind == .contact {
            switch spec.channel {
            case .fixed(let name)?: planned.constantChannel = text(name)
            case .dynamic(let bound)?: planned.constantChannel = nil; planned.channel = op(bound)
            case nil: break
            }
            planned.within = spec.within.map { op($0) } ?? -1
            if planned.within < 0 {
                planned.constantDue = text(asOf.iso)
            } else if case .duration(let d)? = constantValue(planned.within) {
                planned.constantDue = text(d.added(to: asOf)?.iso ?? asOf.iso)
            } else {
                planned.constantDue = nil
            }
        }
        planned.isConstant = !planned.checksValue && planned.constantValue != nil && planned.constantChannel != nil
            && planned.constantDue != nil && planned.message < 0
        actions.append(planned)
        constantAmounts.append(written?.amount)
    }

    /// The value of an operation that is a constant; nil for any other.
    func constantValue(_ index: Int32) -> Value? {
        guard case .constant(let s) = ops[Int(index)] else { return nil }
        return s.kind == .boxed ? pool[Int(s.bits)] : s.inlineValue
    }
}

/// How an action's value is written, and the amount `resolve` compares: a discount
/// as `15%` or `25.00`, points as a number, credit as `30 days`, anything else as
/// its type prints.
enum Written {
    static func value(_ v: Value, kind: ActionKind, valueType: ValueType,
                      formatter: ValueFormatter) -> (text: String, amount: ExactDecimal?) {
        switch (kind, v) {
        case (.discount, .number(let n)):
            return (valueType == .percent ? n.percentText() : n.formatted(fractionDigits: 2), n)
        case (.points, .number(let n)):
            return (n.description, n)
        case (.credit, .duration(let d)):
            return (d.text, ExactDecimal(d.approximateDays))
        default:
            return (formatter.text(v, as: valueType), nil)
        }
    }
}
