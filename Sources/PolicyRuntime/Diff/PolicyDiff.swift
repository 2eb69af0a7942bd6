import PolicyValues
import PolicySyntax
import PolicySemantics

/// What changing a policy does to the records `policy run` writes, customer by
/// customer (SPEC section 8): per segment, how many customers go from each old label
/// to each new one; per rule and action, how many customers gain it and lose it;
/// the totals of amount discounts and points before and after; and, for every count,
/// the first customers it counts (in input order) as samples.
///
/// Both versions evaluate the same loaded table, each with its own aggregates and
/// quotas (`PolicyDiff.compare`): the data is read and loaded once.
public struct PolicyDiff: Sendable {
    /// Customers compared.
    public var customers = 0
    public var segments: [Segment] = []
    public var actions: [Action] = []
    /// Sums over every customer's records written.
    public var old = Totals()
    public var new = Totals()

    /// How many customers a count names as samples.
    public static let sampleCount = 3

    /// A segment of either version, by name, and its transitions (nil: the version
    /// has no such segment, or gives the customer no label).
    public struct Segment: Sendable {
        public var name: String
        public var transitions: [Transition] = []
    }

    public struct Transition: Sendable {
        public var old: String?
        public var new: String?
        public var customers = Count()
    }

    /// A rule's action kind, in either version.
    public struct Action: Sendable {
        public var rule: String
        public var kind: ActionKind
        public var gained = Count()
        public var lost = Count()
    }

    public struct Count: Sendable {
        public var count = 0
        public var sample: [String] = []

        mutating func add(_ id: String) {
            count += 1
            if sample.count < PolicyDiff.sampleCount { sample.append(id) }
        }

        mutating func merge(_ other: Count) {
            count += other.count
            sample += other.sample.prefix(PolicyDiff.sampleCount - sample.count)
        }
    }

    public struct Totals: Sendable {
        /// Discounts given as amounts (not percentages), and points.
        public var discountAmount = ExactDecimal.zero
        public var points = ExactDecimal.zero
        /// Records of discounts given as percentages.
        public var percentDiscounts = 0

        mutating func merge(_ other: Totals) {
            discountAmount = discountAmount + other.discountAmount
            points = points + other.points
            percentDiscounts += other.percentDiscounts
        }
    }
}

extension PolicyDiff {
    /// Compares `old` and `new` over one table, in stretches of customers on up to
    /// `workers` threads; the counts and samples are those of one thread.
    public static func compare(old: Program, oldAggregates: AggregateResults, new: Program, newAggregates: AggregateResults,
                               table: CustomerTable, workers: Int = 1, stretch: Int = 16_384) -> PolicyDiff {
        let oldQuotas = QuotaAdmissions.compute(old, table: table, aggregates: oldAggregates, workers: workers)
        let newQuotas = QuotaAdmissions.compute(new, table: table, aggregates: newAggregates, workers: workers)
        let layout = Layout(old: old.policy, new: new.policy)
        let parts = parallelMap(max(1, (table.count + stretch - 1) / stretch), workers: workers) { k in
            var part = layout.empty
            var oldEvaluator = Evaluator(old, table: table, aggregates: oldAggregates, quotas: oldQuotas)
            var newEvaluator = Evaluator(new, table: table, aggregates: newAggregates, quotas: newQuotas)
            var oldRecords = CustomerRecords(), newRecords = CustomerRecords()
            for row in (k * stretch)..<min(table.count, (k + 1) * stretch) {
                oldEvaluator.evaluate(row: row, into: &oldRecords)
                newEvaluator.evaluate(row: row, into: &newRecords)
                part.add(row: row, old: oldRecords, &oldEvaluator, new: newRecords, &newEvaluator, layout: layout)
            }
            return part
        }
        var diff = layout.empty
        for part in parts { diff.merge(part) }
        diff.customers = table.count
        diff.segments = diff.segments.map { segment in
            var segment = segment
            segment.transitions = segment.transitions.filter { $0.customers.count > 0 }
            return segment
        }
        diff.actions = diff.actions.filter { $0.gained.count > 0 || $0.lost.count > 0 }
        return diff
    }

    /// Where each version's segments, labels and actions go in the report.
    struct Layout: Sendable {
        /// Per segment of the report, its index in each version (nil: not there).
        var segments: [(name: String, old: Int?, new: Int?)] = []
        /// Per segment of the report, its labels: the old version's, then the new one's others.
        var labels: [[String]] = []
        /// Per segment and version, per label index, the label's place in `labels`.
        var oldLabels: [[Int]] = [], newLabels: [[Int]] = []
        /// Per rule and action kind of the report.
        var actions: [(rule: String, kind: ActionKind)] = []
        /// Per version, per rule and action kind (`ActionKind.ordinal`), its place in `actions`.
        var oldActions: [[Int]] = [], newActions: [[Int]] = []

        init(old: CheckedPolicy, new: CheckedPolicy) {
            var names = old.segments.map(\.name)
            for s in new.segments where !names.contains(s.name) { names.append(s.name) }
            for name in names {
                let o = old.segments.firstIndex { $0.name == name }, n = new.segments.firstIndex { $0.name == name }
                segments.append((name, o, n))
                var all = o.map { old.segments[$0].labels } ?? []
                for label in n.map({ new.segments[$0].labels }) ?? [] where !all.contains(label) { all.append(label) }
                labels.append(all)
            }
            oldLabels = old.segments.map { s in s.labels.map { label in labels[names.firstIndex(of: s.name)!].firstIndex(of: label)! } }
            newLabels = new.segments.map { s in s.labels.map { label in labels[names.firstIndex(of: s.name)!].firstIndex(of: label)! } }
            func place(_ policy: CheckedPolicy) -> [[Int]] {
                policy.rules.map { rule in
                    ActionKind.allCases.map { kind in
                        guard rule.actions.contains(where: { $0.kind == kind }) else { return -1 }
                        if let i = actions.firstIndex(where: { $0.rule == rule.name && $0.kind == kind }) { return i }
                        actions.append((rule.name, kind))
                        return actions.count - 1
                    }
                }
            }
            oldActions = place(old)
            newActions = place(new)
        }

        /// A report with every cell at zero.
        var empty: PolicyDiff {
            var diff = PolicyDiff()
            for (s, segment) in segments.enumerated() {
                var result = Segment(name: segment.name)
                // Cells by (old label + 1) × (labels + 1) + new label + 1; 0 stands for no label.
                let width = labels[s].count + 1
                for cell in 0..<(width * width) {
                    let o = cell / width - 1, n = cell % width - 1
                    result.transitions.append(Transition(old: o < 0 ? nil : labels[s][o], new: n < 0 ? nil : labels[s][n]))
                }
                diff.segments.append(result)
            }
            diff.actions = actions.map { Action(rule: $0.rule, kind: $0.kind) }
            return diff
        }
    }

    /// Counts one customer's records under both versions.
    mutating func add(row: Int, old: CustomerRecords, _ oldEvaluator: inout Evaluator, new: CustomerRecords,
                      _ newEvaluator: inout Evaluator, layout: Layout) {
        let id = newEvaluator.customerID(row)
        for (s, segment) in layout.segments.enumerated() {
            let o = segment.old.flatMap { old.labels[$0] >= 0 ? layout.oldLabels[$0][Int(old.labels[$0])] : nil }
            let n = segment.new.flatMap { new.labels[$0] >= 0 ? layout.newLabels[$0][Int(new.labels[$0])] : nil }
            let width = layout.labels[s].count + 1
            let cell = ((o ?? -1) + 1) * width + (n ?? -1) + 1
            segments[s].transitions[cell].customers.add(id)
        }
        let had = Self.actions(old, oldEvaluator.program, places: layout.oldActions, totals: &self.old, &oldEvaluator)
        let has = Self.actions(new, newEvaluator.program, places: layout.newActions, totals: &self.new, &newEvaluator)
        for a in has where !had.contains(a) { actions[a].gained.add(id) }
        for a in had where !has.contains(a) { actions[a].lost.add(id) }
    }

    /// The report's actions a customer's records hold, and their amounts added to `totals`.
    static func actions(_ records: CustomerRecords, _ program: Program, places: [[Int]], totals: inout Totals,
                        _ evaluator: inout Evaluator) -> [Int] {
        var found: [Int] = []
        for entry in records.entries where !entry.isSegment {
            let action = program.actions[Int(entry.source)]
            let place = places[Int(action.rule)][action.kind.ordinal]
            if !found.contains(place) { found.append(place) }
            switch action.kind {
            case .discount where action.isPercent: totals.percentDiscounts += 1
            case .discount: totals.discountAmount = totals.discountAmount + (evaluator.amount(entry) ?? .zero)
            case .points: totals.points = totals.points + (evaluator.amount(entry) ?? .zero)
            default: break
            }
        }
        return found
    }

    /// Adds a later stretch's counts to these.
    mutating func merge(_ other: PolicyDiff) {
        for s in segments.indices {
            for t in segments[s].transitions.indices { segments[s].transitions[t].customers.merge(other.segments[s].transitions[t].customers) }
        }
        for a in actions.indices {
            actions[a].gained.merge(other.actions[a].gained)
            actions[a].lost.merge(other.actions[a].lost)
        }
        old.merge(other.old)
        new.merge(other.new)
    }
}
