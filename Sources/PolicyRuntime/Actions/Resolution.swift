import PolicySyntax
import PolicySemantics

/// Applies the `resolve` lines to one customer's actions.
public enum Resolution {
    /// An action `resolve` removed, and why (shown by `policy explain`).
    public struct Dropped: Sendable {
        public var record: ActionRecord
        public var reason: String
    }

    /// Keeps the surviving records in their original order; `sum` folds a group into
    /// its first record.
    public static func apply(_ resolutions: [ActionKind: ResolutionSpec], to records: inout [ActionRecord],
                             dropped: inout [Dropped]) {
        guard !resolutions.isEmpty else { return }
        for (kind, spec) in resolutions.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let indexes = records.indices.filter { records[$0].kind == kind }
            guard indexes.count > 1 || (spec.strategy == .sum && spec.cap != nil && !indexes.isEmpty) else { continue }
            var remove = Set<Int>()
            for group in groups(indexes, records: records, spec: spec) {
                switch spec.strategy {
                case .first:
                    for i in group.dropFirst() {
                        remove.insert(i)
                        dropped.append(Dropped(record: records[i], reason: "resolve \(kind.rawValue) by first kept \"\(records[group[0]].rule)\""))
                    }
                case .best:
                    let keep = group.max { a, b in
                        let x = records[a].amount ?? .zero, y = records[b].amount ?? .zero
                        return x != y ? x < y : a > b
                    } ?? group[0]
                    for i in group where i != keep {
                        remove.insert(i)
                        dropped.append(Dropped(record: records[i], reason: "resolve \(kind.rawValue) by best kept \(records[keep].value) from \"\(records[keep].rule)\""))
                    }
                case .sum:
                    var total = group.reduce(ExactDecimal.zero) { $0 + (records[$1].amount ?? .zero) }
                    if let cap = spec.cap, let limit = capValue(cap, percent: records[group[0]].isPercent), total > limit {
                        total = limit
                    }
                    let first = group[0]
                    records[first].amount = total
                    records[first].value = records[first].isPercent ? total.percentText()
                        : (kind == .points ? total.description : total.formatted(fractionDigits: 2))
                    records[first].rule = group.map { records[$0].rule }.joined(separator: " + ")
                    for i in group.dropFirst() {
                        remove.insert(i)
                        dropped.append(Dropped(record: records[i], reason: "resolve \(kind.rawValue) by sum added it into \"\(records[first].rule)\""))
                    }
                }
            }
            if !remove.isEmpty {
                records = records.enumerated().filter { !remove.contains($0.offset) }.map(\.element)
            }
        }
    }

    /// The groups a strategy works within: per channel when asked, and percentage
    /// discounts apart from amounts (neither is larger than the other).
    static func groups(_ indexes: [Int], records: [ActionRecord], spec: ResolutionSpec) -> [[Int]] {
        var order: [String] = []
        var byKey: [String: [Int]] = [:]
        for i in indexes {
            let key = (spec.perChannel ? records[i].channel : "") + (records[i].isPercent ? "\u{1}%" : "")
            if byKey[key] == nil { order.append(key) }
            byKey[key, default: []].append(i)
        }
        return order.map { byKey[$0]! }
    }

    /// A percentage cap applies to percentage discounts, a number cap to amounts.
    static func capValue(_ cap: Literal, percent: Bool) -> ExactDecimal? {
        switch (cap, percent) {
        case (.percent, true), (.number, false):
            if case .number(let n)? = LiteralValue.make(cap) { return n }
            return nil
        default:
            return nil
        }
    }
}
