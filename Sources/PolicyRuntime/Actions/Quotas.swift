import PolicyValues
import PolicySemantics

/// The customers each rule's quota or budget serves (SPEC section 7): worked out
/// over the whole base before any customer's actions are written, since the 200th
/// customer by value may be the last row of the file.
///
/// A customer is a candidate for a rule when, after every earlier step (channel,
/// `once`, `resolve`, `limit`), one of the rule's actions is still to be written.
/// The candidates are taken in the order of the quota's expression (`desc` unless
/// `asc` is written; `none` last; ties in input order): the first N, or, for a
/// budget, those whose running sum of the rule's amounts stays within it.
public final class QuotaAdmissions: @unchecked Sendable, Equatable {
    // INVARIANT: immutable after init; plain words, read by every worker at once.
    /// Per rule with a quota (`Program.quotaIndexes`), one bit per row: served.
    private let bits: UnsafeMutableBufferPointer<UInt64>
    private let wordsPerQuota: Int

    init(served: [[UInt64]]) {
        wordsPerQuota = served.first?.count ?? 0
        bits = .allocate(capacity: max(1, served.count * wordsPerQuota))
        _ = bits.initialize(from: served.joined())
    }

    deinit { bits.deallocate() }

    public static func == (a: QuotaAdmissions, b: QuotaAdmissions) -> Bool {
        a.wordsPerQuota == b.wordsPerQuota && a.bits.elementsEqual(b.bits)
    }

    @inline(__always) func serves(quota: Int, row: Int) -> Bool {
        bits[quota * wordsPerQuota + row >> 6] & (1 << UInt64(row & 63)) != 0
    }

    /// How many customers a quota serves.
    func servedCount(quota: Int) -> Int {
        bits[(quota * wordsPerQuota)..<((quota + 1) * wordsPerQuota)].reduce(0) { $0 + $1.nonzeroBitCount }
    }

    /// One rule's candidates, in row order.
    struct Candidates {
        var rows: [Int32] = []
        var orders: [Value] = []
        /// A budget's: the customer's amounts of the rule, summed.
        var amounts: [ExactDecimal] = []
    }

    /// Works the quotas out over every customer, in stretches of `stretch` rows on
    /// up to `workers` threads; nil when the policy has none. The same customers
    /// whatever the number of threads: candidates are gathered in row order.
    /// `direct: false` takes the general way for every rule (to compare the two).
    public static func compute(_ program: Program, table: CustomerTable, aggregates: AggregateResults,
                               history: HistoryIndex? = nil, workers: Int = 1, stretch: Int = 16_384,
                               direct allowDirect: Bool = true) -> QuotaAdmissions? {
        guard program.quotaRuleCount > 0 else { return nil }
        let program = program.laidOut(for: table, orders: aggregates.orders?.table)
        let quotaRules = program.quotaIndexes.indices.filter { program.quotaIndexes[$0] >= 0 }
        let direct = quotaRules.map { allowDirect && program.onlyItsConditionDecides($0) }
        let parts = parallelMap(max(1, (table.count + stretch - 1) / stretch), workers: workers) { k in
            var evaluator = Evaluator(program, table: table, aggregates: aggregates, history: history)
            var records = CustomerRecords()
            var found = Array(repeating: Candidates(), count: quotaRules.count)
            var fired = Array(repeating: false, count: quotaRules.count)
            for row in (k * stretch)..<min(table.count, (k + 1) * stretch) {
                // Most customers fire no rule with a quota: only their conditions are asked.
                evaluator.begin(row: row)
                var any = false, general = false
                for (q, rule) in quotaRules.enumerated() {
                    fired[q] = evaluator.holds(program.rules[rule].condition)
                    any = any || fired[q]
                    general = general || (fired[q] && !direct[q])
                }
                guard any else { continue }
                if general { evaluator.evaluateBeforeQuotas(row: row, into: &records) }
                for (q, rule) in quotaRules.enumerated() where fired[q] {
                    let amount = direct[q] ? evaluator.directAmount(of: rule) : evaluator.amount(of: rule, in: records)
                    guard let amount else { continue }
                    found[q].rows.append(Int32(row))
                    found[q].orders.append(evaluator.valueOf(program.rules[rule].quotaOrder))
                    found[q].amounts.append(amount)
                }
            }
            return found
        }
        // Each quota chooses on a thread of its own.
        let served = parallelMap(quotaRules.count, workers: workers) { q in
            var all = Candidates()
            for part in parts {
                all.rows += part[q].rows
                all.orders += part[q].orders
                all.amounts += part[q].amounts
            }
            return serve(all, quota: program.policy.rules[quotaRules[q]].quota!, rows: table.count)
        }
        return QuotaAdmissions(served: served)
    }

    /// The candidates a quota serves, as bits by row.
    static func serve(_ candidates: Candidates, quota: QuotaSpec, rows: Int) -> [UInt64] {
        var bits = [UInt64](repeating: 0, count: (rows + 63) / 64)
        var spent = ExactDecimal.zero, count = 0
        for i in order(candidates.orders, ascending: quota.ascending) {
            switch quota.form {
            case .customers(let n):
                guard count < n else { return bits }
                count += 1
            case .budget(let budget):
                spent = spent + candidates.amounts[i]
                guard spent <= budget else { return bits }
            }
            let row = Int(candidates.rows[i])
            bits[row >> 6] |= 1 << UInt64(row & 63)
        }
        return bits
    }

    /// Positions of `values` in the quota's order: ascending or descending, ties in
    /// input order, `none` last.
    static func order(_ values: [Value], ascending: Bool) -> [Int] {
        let (sorted, tied) = Aggregates.sortedRows(values)
        var positions: [Int] = []
        positions.reserveCapacity(values.count)
        if ascending {
            positions = sorted.map { Int($0) }
        } else {
            // Ties stay in input order: whole runs of equal values are taken from the top.
            for tie in Aggregates.tiesFromTheTop(tied) { positions += sorted[tie].map { Int($0) } }
        }
        positions += values.indices.filter { values[$0].isNone }
        return positions
    }
}

extension Program {
    /// Whether, once a rule's condition holds, nothing but an action's value being
    /// `none` can keep its actions from the quota: no `once`, no `resolve` or `limit`
    /// line of their kinds, no contact whose channel depends on the customer.
    func onlyItsConditionDecides(_ rule: Int) -> Bool {
        let planned = rules[rule]
        if case .none = planned.modifier {} else { return false }
        for a in Int(planned.firstAction)..<Int(planned.firstAction + planned.actionCount) {
            let action = actions[a]
            if resolutions.contains(where: { $0.kind == action.kind }) { return false }
            if policy.limits.contains(where: { $0.kind == action.kind && !$0.except.contains(rule) }) { return false }
            if action.kind == .contact, action.constantChannel.map({ !isChannelName(bytes($0)) }) ?? true { return false }
        }
        return true
    }
}

extension Evaluator {
    /// A candidate's amount for a rule, from the customer's records after the steps
    /// before the quotas; nil when none of the rule's actions is left.
    mutating func amount(of rule: Int, in records: CustomerRecords) -> ExactDecimal? {
        var total: ExactDecimal? = nil
        for entry in records.entries where !entry.isSegment && Int(program.actions[Int(entry.source)].rule) == rule {
            let add = program.actions[Int(entry.source)].givesAmount ? amount(entry) ?? .zero : .zero
            total = (total ?? .zero) + add
        }
        return total
    }

    /// The same for a rule whose condition holds and that only it decides
    /// (`Program.onlyItsConditionDecides`): its actions whose value is not `none`.
    mutating func directAmount(of rule: Int) -> ExactDecimal? {
        let planned = program.rules[rule]
        var total: ExactDecimal? = nil
        for a in Int(planned.firstAction)..<Int(planned.firstAction + planned.actionCount) {
            let action = program.actions[a]
            var entry = RecordEntry(source: Int32(a))
            if action.checksValue {
                entry.amount = eval(action.value)
                if entry.amount.isNone { continue }
            }
            total = (total ?? .zero) + (action.givesAmount ? amount(entry) ?? .zero : .zero)
        }
        return total
    }

    /// Removes the actions of rules whose quota does not serve this customer.
    mutating func applyQuotas(_ quotas: QuotaAdmissions, to records: inout CustomerRecords) {
        let row = self.row, program = self.program
        records.suppress { entry in
            guard !entry.isSegment else { return nil }
            let rule = Int(program.actions[Int(entry.source)].rule)
            let quota = Int(program.quotaIndexes[rule])
            return quota >= 0 && !quotas.serves(quota: quota, row: row) ? .quota(rule: Int32(rule)) : nil
        }
    }

    /// Removes every action of a held-out customer but those of the rules after
    /// `except`; the segment labels stay. Held out: `int(first 8 hex digits of
    /// md5(seed + "/" + key), 16) mod 10000 < share × 10000` (SPEC section 7).
    mutating func applyHoldout(seed: ByteText, to records: inout CustomerRecords) {
        let program = self.program
        let holdsBack = { (entry: RecordEntry) in !entry.isSegment && !program.holdoutExcepts[Int(program.actions[Int(entry.source)].rule)] }
        guard records.entries.contains(where: holdsBack) else { return }
        holdoutBytes.removeAll(keepingCapacity: true)
        holdoutBytes.append(contentsOf: program.bytes(seed))
        holdoutBytes.append(contentsOf: customerID(row).utf8)
        guard holdoutBytes.withUnsafeBytes({ MD5.leadingWord($0) }) % 10_000 < program.holdoutThreshold else { return }
        records.suppress { holdsBack($0) ? .holdout : nil }
    }
}

extension PlannedAction {
    /// An amount a budget counts: points, or a discount that is not a percentage.
    var givesAmount: Bool { kind == .points || (kind == .discount && !isPercent) }
}
