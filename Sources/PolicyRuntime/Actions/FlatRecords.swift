import PolicySyntax
import PolicySemantics

extension FlatEvaluator {
    /// Writes one customer's records through `encoder`, byte for byte what
    /// `Evaluator.outcome` gives (without `resolve`, which needs whole records:
    /// `PolicyRun` takes the tree path for it), and counts them into `statistics`.
    /// `scratch` is room for the fields built per customer.
    mutating func emit(row: Int, encoder: any RecordEncoder, templates: RecordTemplates, into out: inout [UInt8],
                       scratch: inout RecordScratch, statistics: inout RunStatistics) {
        begin(row: row)
        // The id field, encoded once for all the customer's records.
        scratch.id.removeAll(keepingCapacity: true)
        encoder.field(0, customerID, into: &scratch.id)
        for s in flat.segments.indices {
            let label = segmentValue(s)
            guard label.kind == .label else {
                statistics.unlabelled[s] += 1
                continue
            }
            statistics.labelCounts[s][Int(label.bits)] += 1
            statistics.segmentRecords[s] += 1
            out.append(contentsOf: scratch.id)
            out.append(contentsOf: templates.bytes(templates.labelTails[Int(flat.segments[s].firstLabel) + Int(label.bits)]))
        }
        for rule in flat.rules where holds(rule.condition) {
            for a in Int(rule.firstAction)..<Int(rule.firstAction + rule.actionCount) {
                let action = flat.actions[a]
                if let tail = templates.actionTails[a] {
                    out.append(contentsOf: scratch.id)
                    out.append(contentsOf: templates.bytes(tail))
                } else if !writeAction(action, head: templates.bytes(templates.actionHeads[a]), encoder: encoder,
                                       into: &out, scratch: &scratch) {
                    statistics.skippedNoValue += 1
                    continue
                }
                statistics.kindRecords[action.kind.ordinal] += 1
            }
        }
    }

    static var nothing: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: nil, count: 0) }

    /// The key as text, as `Evaluator.customerID` prints it.
    var customerID: String {
        if let column = keyTextColumn { return table.texts[column][row] ?? "" }
        let slot = program.policy.schema.keySlot
        return program.formatter.text(table.value(slot, row), as: program.policy.schema.fields[slot].type.valueType)
    }

    /// One action's record, as `Evaluator.record` makes it; false when its value is
    /// `none` (nothing is written then). `head` holds fields 1 and 2, encoded.
    mutating func writeAction(_ action: FlatProgram.FlatAction, head: UnsafeBufferPointer<UInt8>, encoder: any RecordEncoder,
                              into out: inout [UInt8], scratch: inout RecordScratch) -> Bool {
        var dynamicValue: String? = nil
        if action.constantValue == nil, action.value >= 0 {
            let scalar = eval(action.value)
            let v = value(of: scalar)
            if v.isNone { return false }
            dynamicValue = Program.Action.written(v, kind: action.kind, valueType: flat.types[Int(action.valueType)],
                                                  formatter: program.formatter).text
        }
        out.append(contentsOf: scratch.id)
        out.append(contentsOf: head)
        if action.kind == .alert {
            encoder.field(3, action.alertName.map { flat.bytes($0) } ?? Self.nothing, into: &out)
        } else if let constant = action.constantValue {
            encoder.field(3, flat.bytes(constant), into: &out)
        } else {
            encoder.field(3, dynamicValue ?? "", into: &out)
        }
        if action.kind == .contact {
            if let fixed = action.fixedChannel {
                encoder.field(4, flat.bytes(fixed), into: &out)
            } else if action.channel >= 0 {
                let channel = eval(action.channel)
                encoder.field(4, program.formatter.text(value(of: channel), as: .text), into: &out)
            } else {
                encoder.field(4, Self.nothing, into: &out)
            }
            if let due = action.constantDue {
                encoder.field(5, flat.bytes(due), into: &out)
            } else {
                let within = action.within >= 0 ? eval(action.within) : nil
                encoder.field(5, program.due(within: within.map { value(of: $0) }).iso, into: &out)
            }
        } else {
            encoder.field(4, Self.nothing, into: &out)
            encoder.field(5, Self.nothing, into: &out)
        }
        encoder.field(6, flat.bytes(action.severity), into: &out)
        scratch.text.removeAll(keepingCapacity: true)
        if action.message >= 0 { writeText(action.message, into: &scratch.text) }
        scratch.text.withUnsafeBufferPointer { encoder.field(7, $0, into: &out) }
        encoder.endRecord(into: &out)
        return true
    }

    /// An expression printed as text; a message's parts are written one after the other.
    mutating func writeText(_ op: Int32, into text: inout [UInt8]) {
        guard case .interpolate(let first, let count) = ops[Int(op)] else {
            let v = eval(op)
            text.append(contentsOf: program.formatter.text(value(of: v), as: .text).utf8)
            return
        }
        for part in UnsafeBufferPointer(rebasing: flat.parts[Int(first)..<Int(first + count)]) {
            switch part {
            case .text(let t):
                text.append(contentsOf: flat.bytes(t))
            case .value(let op, let type):
                let v = eval(op)
                if v.kind == .decimal, v.scale == 0, flat.printsPlainNumber[Int(type)] {
                    text.append(contentsOf: String(v.bits).utf8)
                } else {
                    text.append(contentsOf: program.formatter.text(value(of: v), as: flat.types[Int(type)]).utf8)
                }
            }
        }
    }
}

extension ValueType {
    /// A number of this type prints in its shortest form (`ExactDecimal.description`).
    var printsPlainNumber: Bool { self == .int || self == .number }
}

/// Room for the fields a worker builds per customer, reused from one to the next.
struct RecordScratch {
    /// The customer's id field, encoded.
    var id: [UInt8] = []
    /// A message being built.
    var text: [UInt8] = []
}
