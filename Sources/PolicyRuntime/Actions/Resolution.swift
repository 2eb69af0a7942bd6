import PolicyValues
import PolicySyntax
import PolicySemantics

extension Evaluator {
    /// Applies the `resolve` lines to one customer's records, in the program's
    /// order: the survivors keep their order; `sum` folds a group into its first
    /// record. Nothing is allocated when a kind has at most one record.
    mutating func resolve(_ records: inout CustomerRecords) {
        for (line, resolution) in program.resolutions.enumerated() {
            var count = 0
            for entry in records.entries where !entry.isSegment && program.actions[Int(entry.source)].kind == resolution.kind {
                count += 1
            }
            guard count > 1 || (resolution.strategy == .sum && resolution.cap != nil && count == 1) else { continue }
            let indexes = records.entries.indices.filter {
                !records.entries[$0].isSegment && program.actions[Int(records.entries[$0].source)].kind == resolution.kind
            }
            var removed = Array(repeating: false, count: records.entries.count)
            for group in groups(indexes, records: records, perChannel: resolution.perChannel) {
                switch resolution.strategy {
                case .first:
                    for i in group.dropFirst() { drop(i, keeping: group[0], line, records: &records, removed: &removed) }
                case .best:
                    var keep = group[0]
                    var best = amount(records.entries[keep]) ?? .zero
                    for i in group.dropFirst() {
                        let x = amount(records.entries[i]) ?? .zero
                        if x > best { keep = i; best = x }
                    }
                    for i in group where i != keep { drop(i, keeping: keep, line, records: &records, removed: &removed) }
                case .sum:
                    sum(group, resolution, records: &records)
                    for i in group.dropFirst() { drop(i, keeping: group[0], line, records: &records, removed: &removed) }
                }
            }
            if removed.contains(true) {
                var kept = 0
                for i in records.entries.indices where !removed[i] {
                    records.entries[kept] = records.entries[i]
                    kept += 1
                }
                records.entries.keepFirst(kept)
            }
        }
    }

    private func drop(_ i: Int, keeping keep: Int, _ line: Int, records: inout CustomerRecords, removed: inout [Bool]) {
        removed[i] = true
        records.suppressed.append(SuppressedEntry(entry: records.entries[i], reason: .resolve(Int32(line), kept: records.entries[keep])))
    }

    /// Folds a group into its first record: the total of the amounts (capped), and
    /// the rules' names joined.
    private mutating func sum(_ group: [Int], _ resolution: PlannedResolution, records: inout CustomerRecords) {
        let first = group[0]
        let action = program.actions[Int(records.entries[first].source)]
        var total = group.reduce(ExactDecimal.zero) { $0 + (amount(records.entries[$1]) ?? .zero) }
        if let cap = resolution.cap, resolution.capIsPercent == action.isPercent, total > cap { total = cap }
        let text = action.isPercent ? total.percentText() : (action.kind == .points ? total.description : total.formatted(fractionDigits: 2))
        var names: [String] = []
        records.text.withUnsafeBufferPointer { text in
            for i in group { names.append(String(decoding: program.ruleName(records.entries[i], text: text), as: UTF8.self)) }
        }
        records.entries[first].value = records.append(text)
        records.entries[first].rule = records.append(names.joined(separator: " + "))
        records.entries[first].amount = scalar(.number(total))
    }

    /// The groups a strategy works within: per channel when asked, and percentage
    /// discounts apart from amounts (neither is larger than the other); in order of
    /// each group's first record.
    private func groups(_ indexes: [Int], records: CustomerRecords, perChannel: Bool) -> [[Int]] {
        var groups: [[Int]] = []
        records.text.withUnsafeBufferPointer { text in
            func channel(_ i: Int) -> UnsafeBufferPointer<UInt8> {
                let entry = records.entries[i]
                return entry.channel.map { text[$0] } ?? program.bytes(program.actions[Int(entry.source)].constantChannel!)
            }
            func together(_ a: Int, _ b: Int) -> Bool {
                let x = program.actions[Int(records.entries[a].source)], y = program.actions[Int(records.entries[b].source)]
                return x.isPercent == y.isPercent && (!perChannel || channel(a).elementsEqual(channel(b)))
            }
            for i in indexes {
                if let g = groups.firstIndex(where: { together($0[0], i) }) {
                    groups[g].append(i)
                } else {
                    groups.append([i])
                }
            }
        }
        return groups
    }

    /// The amount `resolve` compares for a record: a discount's or points' number,
    /// a credit's days; nil for other values.
    mutating func amount(_ entry: RecordEntry) -> ExactDecimal? {
        let action = program.actions[Int(entry.source)]
        if entry.amount.isNone { return program.constantAmounts[Int(entry.source)] }
        switch (action.kind, value(of: entry.amount)) {
        case (.discount, .number(let n)), (.points, .number(let n)), (.credit, .number(let n)): return n
        case (.credit, .duration(let d)): return ExactDecimal(d.approximateDays)
        default: return nil
        }
    }
}
