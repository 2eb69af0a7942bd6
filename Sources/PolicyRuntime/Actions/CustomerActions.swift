import PolicySyntax
import PolicySemantics

/// Everything a policy decided for one customer: the label of each segment, the
/// rules that fired, and the actions kept and dropped by `resolve`.
public struct CustomerOutcome: Sendable {
    /// Per segment, the label index (nil: no label).
    public var labels: [Int?] = []
    /// The indexes of the rules whose condition held, in order.
    public var firedRules: [Int] = []
    /// The output records, segment assignments first, after `resolve`.
    public var records: [ActionRecord] = []
    public var dropped: [Resolution.Dropped] = []
    /// Actions not written because their value was `none`.
    public var skippedNoValue = 0
}

extension Evaluator {
    /// What the policy decides for one customer, in output order: segment
    /// assignments, then each rule that fires with its actions, then `resolve`.
    public mutating func outcome(row: Int) -> CustomerOutcome {
        var outcome = CustomerOutcome()
        self.outcome(row: row, into: &outcome)
        return outcome
    }

    /// The same, into a buffer reused from customer to customer (no allocation per
    /// customer once the buffers have grown).
    public mutating func outcome(row: Int, into outcome: inout CustomerOutcome) {
        outcome.labels.removeAll(keepingCapacity: true)
        outcome.firedRules.removeAll(keepingCapacity: true)
        outcome.records.removeAll(keepingCapacity: true)
        outcome.dropped.removeAll(keepingCapacity: true)
        outcome.skippedNoValue = 0
        let id = customerID(row)
        for (index, segment) in program.segments.enumerated() {
            guard case .label(let label) = segmentValue(index, row: row) else {
                outcome.labels.append(nil)
                continue
            }
            outcome.labels.append(label)
            outcome.records.append(ActionRecord(row: row, customerID: id, rule: segment.name, action: segment.name,
                                                value: segment.labels[label], channel: "", due: "", severity: "", message: "",
                                                kind: nil, amount: nil, isPercent: false, priority: -1))
        }
        for (priority, rule) in program.rules.enumerated() where holds(rule.condition, row: row) {
            outcome.firedRules.append(priority)
            for action in rule.actions {
                if let record = record(action, rule: rule.name, priority: priority, row: row, id: id) {
                    outcome.records.append(record)
                } else {
                    outcome.skippedNoValue += 1
                }
            }
        }
        Resolution.apply(program.policy.resolutions, to: &outcome.records, dropped: &outcome.dropped)
    }

    /// Evaluates one customer into `outcome` and counts the result into `statistics`.
    public mutating func count(row: Int, into outcome: inout CustomerOutcome, statistics: inout RunStatistics) {
        self.outcome(row: row, into: &outcome)
        for (index, label) in outcome.labels.enumerated() {
            if let label {
                statistics.labelCounts[index][label] += 1
                statistics.segmentRecords[index] += 1
            } else {
                statistics.unlabelled[index] += 1
            }
        }
        statistics.skippedNoValue += outcome.skippedNoValue
        for record in outcome.records {
            if let kind = record.kind { statistics.kindRecords[kind.ordinal] += 1 }
        }
    }

    /// The key as text (an int key prints as a whole number).
    public func customerID(_ row: Int) -> String {
        let slot = program.policy.schema.keySlot
        return program.formatter.text(table.value(slot, row), as: program.policy.schema.fields[slot].type.valueType)
    }

    /// One action's output record; nil when its value is `none` (nothing to act on).
    mutating func record(_ action: Program.Action, rule: String, priority: Int, row: Int, id: String) -> ActionRecord? {
        var record = ActionRecord(row: row, customerID: id, rule: rule, action: action.kindName, value: "",
                                  channel: "", due: "", severity: action.severity ?? "", message: "",
                                  kind: action.kind, amount: nil, isPercent: false, priority: priority)
        let formatter = program.formatter
        if let constant = action.constant {
            // Worked out once when planning (see `Program.Action.constant`).
            record.value = constant.text
            record.amount = constant.amount
            record.isPercent = constant.isPercent
        } else if let node = action.value {
            let v = value(node, row: row)
            if v.isNone { return nil }
            (record.value, record.amount, record.isPercent) = Program.Action.written(v, kind: action.kind, valueType: action.valueType,
                                                                                   formatter: formatter)
        }
        if action.kind == .alert { record.value = action.alertName ?? "" }
        if let message = action.message { record.message = formatter.text(value(message, row: row), as: .text) }
        if action.kind == .contact {
            if let fixed = action.fixedChannel { record.channel = fixed }
            else if let node = action.channel { record.channel = formatter.text(value(node, row: row), as: .text) }
            record.due = action.constantDue ?? program.due(within: action.within.map { value($0, row: row) }).iso
        }
        return record
    }
}

extension Program {
    /// A contact's due date: the as-of date, moved by `within` when it is a duration.
    func due(within: Value?) -> CivilDate {
        if case .duration(let d)? = within, let moved = d.added(to: asOf) { return moved }
        return asOf
    }
}

extension Program.Action {
    /// An action's value as written, with the amount `resolve` compares: a discount
    /// as `15%` or `25.00`, points as a number, credit as `30 days`, anything else as
    /// its type prints.
    static func written(_ v: Value, kind: ActionKind, valueType: ValueType,
                        formatter: ValueFormatter) -> (text: String, amount: ExactDecimal?, isPercent: Bool) {
        switch (kind, v) {
        case (.discount, .number(let n)):
            let percent = valueType == .percent
            return (percent ? n.percentText() : n.formatted(fractionDigits: 2), n, percent)
        case (.points, .number(let n)):
            return (n.description, n, false)
        case (.credit, .duration(let d)):
            return (d.text, ExactDecimal(d.approximateDays), false)
        default:
            return (formatter.text(v, as: valueType), nil, false)
        }
    }
}
