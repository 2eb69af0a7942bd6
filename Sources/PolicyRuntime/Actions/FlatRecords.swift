import PolicySyntax
import PolicySemantics

extension FlatEvaluator {
    /// Writes one customer's records through `encode`, byte for byte what
    /// `Evaluator.outcome` and `RecordFields(ActionRecord)` give (without `resolve`,
    /// which needs whole records: `PolicyRun` takes the tree path for it), and
    /// counts them into `statistics`.
    mutating func emit(row: Int, record: inout RecordFields, statistics: inout RunStatistics,
                       encode: (RecordFields, inout [UInt8]) -> Void, into out: inout [UInt8]) {
        begin(row: row)
        let id = customerID
        for s in flat.segments.indices {
            let label = segmentValue(s)
            guard label.kind == .label else {
                statistics.unlabelled[s] += 1
                continue
            }
            statistics.labelCounts[s][Int(label.bits)] += 1
            statistics.segmentRecords[s] += 1
            record.removeAll()
            record.append(id); record.endField()
            record.append(flat.bytes(flat.segmentNames[s])); record.endField()
            record.append(flat.bytes(flat.segmentNames[s])); record.endField()
            record.append(flat.bytes(flat.labelNames[s][Int(label.bits)])); record.endField()
            record.emptyFields(4)
            encode(record, &out)
        }
        for rule in flat.rules where holds(rule.condition) {
            for action in rule.actions {
                if writeAction(action, rule: rule, id: id, into: &record) {
                    statistics.kindRecords[action.kind.ordinal] += 1
                    encode(record, &out)
                } else {
                    statistics.skippedNoValue += 1
                }
            }
        }
    }

    /// The key as text, as `Evaluator.customerID` prints it.
    var customerID: String {
        let slot = program.policy.schema.keySlot
        return program.formatter.text(table.value(slot, row), as: program.policy.schema.fields[slot].type.valueType)
    }

    /// One action's record, as `Evaluator.record` makes it; false when its value is
    /// `none` (nothing is written then).
    mutating func writeAction(_ action: FlatProgram.FlatAction, rule: FlatProgram.FlatRule, id: String,
                              into record: inout RecordFields) -> Bool {
        var dynamicValue: String? = nil
        if action.constantValue == nil, action.value >= 0 {
            let scalar = eval(action.value)
            let v = value(of: scalar)
            if v.isNone { return false }
            dynamicValue = Program.Action.written(v, kind: action.kind, valueType: action.valueType, formatter: program.formatter).text
        }
        record.removeAll()
        record.append(id); record.endField()
        record.append(flat.bytes(rule.name)); record.endField()
        record.append(flat.bytes(action.kindName)); record.endField()
        if action.kind == .alert {
            if let name = action.alertName { record.append(flat.bytes(name)) }
        } else if let constant = action.constantValue {
            record.append(flat.bytes(constant))
        } else if let dynamicValue {
            record.append(dynamicValue)
        }
        record.endField()
        if action.kind == .contact {
            if let fixed = action.fixedChannel {
                record.append(flat.bytes(fixed))
            } else if action.channel >= 0 {
                let channel = eval(action.channel)
                record.append(program.formatter.text(value(of: channel), as: .text))
            }
            record.endField()
            if let due = action.constantDue {
                record.append(flat.bytes(due))
            } else {
                let within = action.within >= 0 ? eval(action.within) : nil
                record.append(program.due(within: within.map { value(of: $0) }).iso)
            }
            record.endField()
        } else {
            record.emptyFields(2)
        }
        record.append(flat.bytes(action.severity)); record.endField()
        if action.message >= 0 { writeText(action.message, into: &record) }
        record.endField()
        return true
    }

    /// An expression printed as text; a message's parts are written straight into
    /// the record.
    mutating func writeText(_ op: Int32, into record: inout RecordFields) {
        guard case .interpolate(let first, let count) = ops[Int(op)] else {
            let v = eval(op)
            record.append(program.formatter.text(value(of: v), as: .text))
            return
        }
        for part in flat.parts[Int(first)..<Int(first + count)] {
            switch part {
            case .text(let t):
                record.append(flat.bytes(t))
            case .value(let op, let type):
                let v = eval(op)
                if v.kind == .decimal, v.scale == 0, flat.types[Int(type)].printsPlainNumber {
                    record.append(String(v.bits))
                } else {
                    record.append(program.formatter.text(value(of: v), as: flat.types[Int(type)]))
                }
            }
        }
    }
}

extension ValueType {
    /// A number of this type prints in its shortest form (`ExactDecimal.description`).
    var printsPlainNumber: Bool { self == .int || self == .number }
}

extension ActionKind {
    /// The kind's position in `allCases`, for counting without hashing names.
    var ordinal: Int {
        switch self {
        case .discount: 0
        case .gift: 1
        case .points: 2
        case .credit: 3
        case .alert: 4
        case .contact: 5
        case .tag: 6
        }
    }
}
