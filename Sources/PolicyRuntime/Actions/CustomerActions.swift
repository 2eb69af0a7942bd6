import PolicySyntax
import PolicySemantics

extension Evaluator {
    /// Every action for one customer, in output order: segment assignments, then
    /// each rule that fires with its actions, then `resolve` applied.
    public mutating func actions(row: Int, statistics: inout RunStatistics,
                                 dropped: inout [Resolution.Dropped]) -> [ActionRecord] {
        let id = customerID(row)
        var records: [ActionRecord] = []
        for (index, segment) in program.segments.enumerated() {
            guard case .label(let label) = segmentValue(index, row: row) else {
                statistics.unlabelled[index] += 1
                continue
            }
            statistics.labelCounts[index][label] += 1
            records.append(ActionRecord(row: row, customerID: id, rule: segment.name, action: segment.name,
                                        value: segment.labels[label], channel: "", due: "", severity: "", message: "",
                                        kind: nil, amount: nil, isPercent: false, priority: -1))
        }
        for (priority, rule) in program.rules.enumerated() where holds(rule.condition, row: row) {
            for action in rule.actions {
                if let record = record(action, rule: rule.name, priority: priority, row: row, id: id) {
                    records.append(record)
                } else {
                    statistics.skippedNoValue += 1
                }
            }
        }
        Resolution.apply(program.policy.resolutions, to: &records, dropped: &dropped)
        for record in records {
            statistics.actionCounts[record.action, default: 0] += 1
        }
        return records
    }

    /// The key as text (an int key prints as a whole number).
    public func customerID(_ row: Int) -> String {
        let slot = program.policy.schema.keySlot
        return program.formatter.text(table.value(slot, row), as: program.policy.schema.fields[slot].type.valueType)
    }

    /// One action's output record; nil when its value is `none` (nothing to act on).
    mutating func record(_ action: Program.Action, rule: String, priority: Int, row: Int, id: String) -> ActionRecord? {
        var record = ActionRecord(row: row, customerID: id, rule: rule, action: action.kind.rawValue, value: "",
                                  channel: "", due: "", severity: action.severity ?? "", message: "",
                                  kind: action.kind, amount: nil, isPercent: false, priority: priority)
        let formatter = program.formatter
        if let node = action.value {
            let v = value(node, row: row)
            if v.isNone { return nil }
            switch (action.kind, v) {
            case (.discount, .number(let n)):
                record.amount = n
                record.isPercent = action.valueType == .percent
                record.value = record.isPercent ? n.percentText() : n.formatted(fractionDigits: 2)
            case (.points, .number(let n)):
                record.amount = n
                record.value = n.description
            case (.credit, .duration(let d)):
                record.amount = ExactDecimal(d.approximateDays)
                record.value = d.text
            default:
                record.value = formatter.text(v, as: action.valueType)
            }
        }
        if action.kind == .alert { record.value = action.alertName ?? "" }
        if let message = action.message { record.message = formatter.text(value(message, row: row), as: .text) }
        if action.kind == .contact {
            if let fixed = action.fixedChannel { record.channel = fixed }
            else if let node = action.channel { record.channel = formatter.text(value(node, row: row), as: .text) }
            var due = program.asOf
            if let within = action.within, case .duration(let d) = value(within, row: row), let moved = d.added(to: due) {
                due = moved
            }
            record.due = due.iso
        }
        return record
    }
}
