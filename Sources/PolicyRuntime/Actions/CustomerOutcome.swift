import PolicySyntax
import PolicySemantics

/// Everything a policy decided for one customer, as text: what `policy test`
/// checks and `policy explain` shows. Made from the very records `policy run`
/// writes (`CustomerRecords`), field by field.
public struct CustomerOutcome: Sendable {
    /// Per segment, the label index (nil: no label).
    public var labels: [Int?] = []
    /// The indexes of the rules whose condition held, in order.
    public var firedRules: [Int] = []
    /// The output records, segment assignments first, after `resolve`.
    public var records: [ActionRecord] = []
    /// The records a rule produced that are not written (a contact without a
    /// usable channel, what `resolve` removed), and why.
    public var suppressed: [SuppressedAction] = []
    /// Actions not written because their value was `none`.
    public var skippedNoValue = 0
}

/// An action a rule produced that is not written, and why (shown by `policy explain`).
public struct SuppressedAction: Sendable {
    public var record: ActionRecord
    public var reason: String
    /// Removed by `resolve` (rather than for its channel).
    public var byResolve: Bool
}

extension Evaluator {
    /// What the policy decides for one customer, in output order: segment
    /// assignments, then each rule that fires with its actions, then `resolve`.
    public mutating func outcome(row: Int) -> CustomerOutcome {
        var records = CustomerRecords()
        evaluate(row: row, into: &records)
        let id = customerID(row)
        var outcome = CustomerOutcome()
        outcome.labels = records.labels.map { $0 < 0 ? nil : Int($0) }
        outcome.firedRules = records.firedRules.map { Int($0) }
        outcome.skippedNoValue = records.skippedNoValue
        outcome.records = records.entries.map { actionRecord($0, records: records, row: row, id: id) }
        outcome.suppressed = records.suppressed.map { suppressed in
            let reason = records.text.withUnsafeBufferPointer { program.reason(suppressed, text: $0) }
            var byResolve = false
            if case .resolve = suppressed.reason { byResolve = true }
            return SuppressedAction(record: actionRecord(suppressed.entry, records: records, row: row, id: id), reason: reason,
                                    byResolve: byResolve)
        }
        return outcome
    }

    /// One record as text, its fields as `Program.withFields` lays them out.
    mutating func actionRecord(_ entry: RecordEntry, records: CustomerRecords, row: Int, id: String) -> ActionRecord {
        var fields = [id] + Array(repeating: "", count: 7)
        records.text.withUnsafeBufferPointer { text in
            program.withFields(of: entry, text: text) { fields[$0] = String(decoding: $1, as: UTF8.self) }
        }
        var record = ActionRecord(row: row, customerID: id, rule: fields[1], action: fields[2], value: fields[3], channel: fields[4],
                                  due: fields[5], severity: fields[6], message: fields[7], kind: nil, amount: nil, isPercent: false,
                                  priority: -1)
        if !entry.isSegment {
            let action = program.actions[Int(entry.source)]
            record.kind = action.kind
            record.amount = amount(entry)
            record.isPercent = action.isPercent
            record.priority = Int(action.rule)
        }
        return record
    }
}
