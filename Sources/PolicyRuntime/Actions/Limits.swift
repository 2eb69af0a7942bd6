import PolicyValues
import PolicySyntax
import PolicySemantics

extension Evaluator {
    /// Applies the `limit` lines to one customer's records, after `resolve`: each
    /// counts the history's actions of its kind within its window (per channel when
    /// asked) and this run's in rule order, the earlier rule first; an action that
    /// would pass the limit is not written. The rules after `except` are neither
    /// limited nor counted.
    mutating func applyLimits(_ records: inout CustomerRecords) {
        for (line, limit) in program.policy.limits.enumerated() {
            guard records.entries.contains(where: { !$0.isSegment && program.actions[Int($0.source)].kind == limit.kind }) else { continue }
            let start = limitStarts[line]
            // What counts so far: the channel, and who filled it (as the reason says it).
            var counted: [(channel: String, by: String)] = []
            for sent in history?.sent(customer: customerID(row)) ?? [] where sent.kind == limit.kind && sent.day > start {
                guard !limit.except.contains(Int(sent.rule)) else { continue }
                counted.append((sent.channel, "\"\(sent.ruleName)\" sent \(CivilDate(daysSinceEpoch: sent.day).iso)"))
            }
            var kept = 0
            for i in records.entries.indices {
                let entry = records.entries[i]
                let action = entry.isSegment ? nil : program.actions[Int(entry.source)]
                guard let action, action.kind == limit.kind, !limit.except.contains(Int(action.rule)) else {
                    records.entries[kept] = entry
                    kept += 1
                    continue
                }
                let channel = limit.perChannel ? records.text.withUnsafeBufferPointer { text in
                    String(decoding: entry.channel.map { text[$0] } ?? program.bytes(action.constantChannel!), as: UTF8.self)
                } : ""
                let same = counted.filter { !limit.perChannel || $0.channel == channel }
                if same.count >= limit.count {
                    let filledBy = records.append(same.last!.by)
                    records.suppressed.append(SuppressedEntry(entry: entry, reason: .limit(Int32(line), filledBy: filledBy)))
                } else {
                    let rule = records.text.withUnsafeBufferPointer { String(decoding: program.ruleName(entry, text: $0), as: UTF8.self) }
                    counted.append((channel, "\"\(rule)\" in this run"))
                    records.entries[kept] = entry
                    kept += 1
                }
            }
            records.entries.keepFirst(kept)
        }
    }
}
