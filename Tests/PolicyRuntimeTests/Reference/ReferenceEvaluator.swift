import PolicyValues
import PolicySyntax
import PolicySemantics
@testable import PolicyRuntime

/// The reference the planned program is checked against: evaluates the checked
/// expressions (`CheckedExpression`) as trees, one customer at a time, builds each record as
/// text and applies `resolve` to those. Slow and plain on purpose; it shares only
/// `ValueOperations`, the builtins, `Value.compare` and the formatter with the
/// program, so that the two can disagree about everything else.
struct ReferenceEvaluator {
    let policy: CheckedPolicy
    let asOf: CivilDate
    let formatter: ValueFormatter
    let table: CustomerTable
    let aggregates: AggregateResults

    /// The orders, and each order's customer row: aggregates over orders are worked
    /// out here by reading every order in file order, not from the program's groups.
    var orders = CustomerTable(fieldCount: 0)
    var orderCustomers: [Int32] = []
    var orderRow = -1

    var letValues: [Int: Value] = [:]
    var segmentValues: [Int: Value] = [:]
    var row = -1
    var divisionsByZero = 0
    var countedLetDivisions: LetDivisions

    init(policy: CheckedPolicy, asOf: CivilDate, table: CustomerTable, aggregates: AggregateResults) {
        self.policy = policy
        self.asOf = asOf
        formatter = ValueFormatter(labels: policy.segments.map(\.labels))
        self.table = table
        self.aggregates = aggregates
        countedLetDivisions = aggregates.letDivisions
    }

    mutating func begin(_ row: Int) {
        if row == self.row { return }
        self.row = row
        letValues = [:]
        segmentValues = [:]
    }

    mutating func holds(_ b: CheckedExpression) -> Bool {
        if case .bool(true) = value(b) { return true }
        return false
    }

    mutating func letValue(_ index: Int) -> Value {
        if let v = letValues[index] { return v }
        let before = divisionsByZero
        let v = value(policy.lets[index].value.expression)
        if divisionsByZero != before, countedLetDivisions.contains(index, row: row) { divisionsByZero = before }
        letValues[index] = v
        return v
    }

    mutating func segmentValue(_ index: Int) -> Value {
        if let v = segmentValues[index] { return v }
        var result = Value.none
        for c in policy.segments[index].cases where c.condition.map({ holds($0) }) ?? true {
            result = .label(c.label)
            break
        }
        segmentValues[index] = result
        return result
    }

    /// An aggregate over the customer's orders, as SPEC section 5 words it.
    mutating func orderAggregate(_ spec: AggregateSpec) -> Value {
        var values: [(value: Value, date: Value)] = []
        let dateSlot = policy.orders?.firstDateSlot
        for order in orderCustomers.indices where Int(orderCustomers[order]) == row {
            orderRow = order
            if let filter = spec.filter, !holds(filter) { continue }
            let v = spec.argument.map { value($0.expression) } ?? .bool(true)
            if v.isNone { continue }
            values.append((v, dateSlot.map { orders.value($0, order) } ?? .none))
        }
        orderRow = -1
        let numbers = values.compactMap { if case .number(let n) = $0.value { n } else { nil } }
        switch spec.kind {
        case .count: return .number(ExactDecimal(values.count))
        case .sum: return .number(numbers.reduce(.zero, +))
        case .mean: return numbers.isEmpty ? .none : numbers.reduce(.zero, +).divided(by: ExactDecimal(numbers.count)).map { .number($0) } ?? .none
        case .min, .max:
            var best: Value? = nil
            for (v, _) in values {
                guard let b = best, let c = Value.compare(v, b) else { best = best ?? v; continue }
                if spec.kind == .min ? c < 0 : c > 0 { best = v }
            }
            return best ?? .none
        case .distinct:
            var seen: [Value] = []
            for (v, _) in values where !seen.contains(where: { Value.compare($0, v) == 0 }) { seen.append(v) }
            return .number(ExactDecimal(seen.count))
        case .first, .last:
            var best: (value: Value, date: CivilDate)? = nil
            for (v, date) in values {
                guard case .date(let d) = date else { continue }
                if let b = best, spec.kind == .first ? d >= b.date : d < b.date { continue }
                best = (v, d)
            }
            return best?.value ?? .none
        case .percentRank, .ntile, .median, .cumulativeShare, .cumeDist: return .none
        }
    }

    mutating func value(_ b: CheckedExpression) -> Value {
        switch b {
        case .literal(let l): return l.value ?? .none
        case .field(let slot): return table.value(slot, row)
        case .letValue(let i): return letValue(i)
        case .segment(let i): return segmentValue(i)
        case .label(_, let i): return .label(i)
        case .aggregate(let i) where policy.aggregates[i].overOrders: return orderAggregate(policy.aggregates[i])
        case .aggregate(let i): return aggregates.value(i, row: row)
        case .orderField(let slot): return orders.value(slot, orderRow)
        case .today: return .date(asOf)
        case .history(.timesSent): return .number(.zero)    // no history here
        case .history: return .none
        case .negate(let x): return ValueOperations.negate(value(x))
        case .not(let x):
            if case .bool(let v) = value(x) { return .bool(!v) }
            return .none
        case .arithmetic(let op, let x, let y):
            return ValueOperations.arithmetic(op, value(x), value(y), divisionsByZero: &divisionsByZero)
        case .compare(let op, let x, let y):
            guard let c = Value.compare(value(x), value(y)) else { return .none }
            return .bool(ValueOperations.holds(op, order: c))
        case .and(let x, let y):
            let a = value(x)
            if case .bool(false) = a { return .bool(false) }
            let c = value(y)
            if case .bool(false) = c { return .bool(false) }
            if case .bool(true) = a, case .bool(true) = c { return .bool(true) }
            return .none
        case .or(let x, let y):
            let a = value(x)
            if case .bool(true) = a { return .bool(true) }
            let c = value(y)
            if case .bool(true) = c { return .bool(true) }
            if case .bool(false) = a, case .bool(false) = c { return .bool(false) }
            return .none
        case .coalesce(let x, let y):
            let a = value(x)
            return a.isNone ? value(y) : a
        case .conditional(let c, let x, let y):
            if case .bool(true) = value(c) { return value(x) }
            return value(y)
        case .between(let v, let lo, let hi):
            let x = value(v)
            guard let l = Value.compare(x, value(lo)), let h = Value.compare(x, value(hi)) else { return .none }
            return .bool(l >= 0 && h <= 0)
        case .member(let v, let items, let negated):
            let x = value(v)
            if x.isNone { return .none }
            var found = false
            for item in items where Value.compare(x, value(item)) == 0 {
                found = true
                break
            }
            return .bool(found != negated)
        case .isNone(let v, let negated):
            return .bool(value(v).isNone != negated)
        case .call(let builtin, let arguments):
            var values: [Value] = []
            for argument in arguments {
                let v = value(argument)
                if v.isNone { return .none }
                values.append(v)
            }
            if values.count == 1, builtin.takesOneDate, case .date(let d) = values[0] {
                return DateBuiltins.call(builtin, date: d, asOf: asOf)
            }
            return Builtins.call(builtin, values, asOf: asOf)
        case .interpolate(let parts):
            var text = ""
            for part in parts {
                switch part {
                case .text(let t): text += t
                case .value(let x, let type): text += formatter.text(value(x), as: type)
                }
            }
            return .text(text)
        }
    }

    /// A customer's records, as text, in output order, after `resolve`; and those not
    /// written (no usable channel, removed by `resolve`), with the reason.
    mutating func records(row: Int) -> (kept: [ActionRecord], suppressed: [(record: ActionRecord, reason: String)]) {
        begin(row)
        let slot = policy.schema.keySlot
        let id = formatter.text(table.value(slot, row), as: policy.schema.fields[slot].type.valueType)
        var records: [ActionRecord] = []
        var suppressed: [(record: ActionRecord, reason: String)] = []
        for (index, segment) in policy.segments.enumerated() {
            guard case .label(let label) = segmentValue(index) else { continue }
            records.append(ActionRecord(row: row, customerID: id, rule: segment.name, action: segment.name, value: segment.labels[label],
                                        channel: "", due: "", severity: "", message: "", kind: nil, amount: nil, isPercent: false,
                                        priority: -1))
        }
        for (priority, rule) in policy.rules.enumerated() where holds(rule.condition) {
            for action in rule.actions {
                guard let record = record(action, rule: rule.name, priority: priority, id: id) else { continue }
                if record.kind == .contact, !Checker.channels.contains(record.channel) {
                    suppressed.append((record, "no usable channel"))
                } else {
                    records.append(record)
                }
            }
        }
        suppressed += ReferenceResolution.apply(policy.resolutions, to: &records)
        return (records, suppressed)
    }

    mutating func record(_ action: ActionSpec, rule: String, priority: Int, id: String) -> ActionRecord? {
        var record = ActionRecord(row: row, customerID: id, rule: rule, action: action.kind.rawValue, value: "", channel: "", due: "",
                                  severity: action.severity ?? "", message: "", kind: action.kind, amount: nil, isPercent: false,
                                  priority: priority)
        if let typed = action.value {
            let v = value(typed.expression)
            if v.isNone { return nil }
            switch (action.kind, v) {
            case (.discount, .number(let n)):
                record.isPercent = typed.type == .percent
                record.value = record.isPercent ? n.percentText() : n.formatted(fractionDigits: 2)
                record.amount = n
            case (.points, .number(let n)): record.value = n.description; record.amount = n
            case (.credit, .duration(let d)): record.value = d.text; record.amount = ExactDecimal(d.approximateDays)
            default: record.value = formatter.text(v, as: typed.type)
            }
        }
        if action.kind == .alert { record.value = action.alertName ?? "" }
        if let message = action.message { record.message = formatter.text(value(message), as: .text) }
        if action.kind == .contact {
            switch action.channel {
            case .fixed(let name)?: record.channel = name
            case .dynamic(let b)?: record.channel = formatter.text(value(b), as: .text)
            case nil: break
            }
            var due = asOf
            if let within = action.within, case .duration(let d) = value(within), let moved = d.added(to: asOf) { due = moved }
            record.due = due.iso
        }
        return record
    }
}

/// `resolve` on records as text: the reference for `Evaluator.resolve`.
enum ReferenceResolution {
    /// Returns the records removed, with the reason.
    static func apply(_ resolutions: [ActionKind: ResolutionSpec], to records: inout [ActionRecord]) -> [(record: ActionRecord, reason: String)] {
        var dropped: [(record: ActionRecord, reason: String)] = []
        for (kind, spec) in resolutions.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let indexes = records.indices.filter { records[$0].kind == kind }
            guard indexes.count > 1 || (spec.strategy == .sum && spec.cap != nil && !indexes.isEmpty) else { continue }
            var order: [String] = []
            var byKey: [String: [Int]] = [:]
            for i in indexes {
                let key = (spec.perChannel ? records[i].channel : "") + (records[i].isPercent ? "\u{1}%" : "")
                if byKey[key] == nil { order.append(key) }
                byKey[key, default: []].append(i)
            }
            var remove = Set<Int>()
            let head = "resolve \(kind.rawValue) by \(spec.strategy.rawValue)"
            for group in order.map({ byKey[$0]! }) {
                switch spec.strategy {
                case .first:
                    remove.formUnion(group.dropFirst())
                    for i in group.dropFirst() { dropped.append((records[i], "\(head) kept \"\(records[group[0]].rule)\"")) }
                case .best:
                    let keep = group.max { a, b in
                        let x = records[a].amount ?? .zero, y = records[b].amount ?? .zero
                        return x != y ? x < y : a > b
                    }!
                    remove.formUnion(group.filter { $0 != keep })
                    for i in group where i != keep {
                        dropped.append((records[i], "\(head) kept \(records[keep].value) from \"\(records[keep].rule)\""))
                    }
                case .sum:
                    var total = group.reduce(ExactDecimal.zero) { $0 + (records[$1].amount ?? .zero) }
                    let first = group[0]
                    if let cap = spec.cap, case .number(let limit)? = cap.value,
                       (cap.isPercent) == records[first].isPercent, total > limit {
                        total = limit
                    }
                    records[first].amount = total
                    records[first].value = records[first].isPercent ? total.percentText()
                        : (kind == .points ? total.description : total.formatted(fractionDigits: 2))
                    records[first].rule = group.map { records[$0].rule }.joined(separator: " + ")
                    remove.formUnion(group.dropFirst())
                    for i in group.dropFirst() { dropped.append((records[i], "\(head) added it into \"\(records[first].rule)\"")) }
                }
            }
            records = records.enumerated().filter { !remove.contains($0.offset) }.map(\.element)
        }
        return dropped
    }
}

extension Literal {
    var isPercent: Bool {
        if case .percent = self { return true }
        return false
    }
}
