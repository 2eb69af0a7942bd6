import PolicyValues
import PolicySemantics

/// A per-customer aggregate's results, kept in the smallest exact form: a rank as
/// its numerator over the population's shared denominator, a bucket as its number.
/// `value(row)` gives the number a customer sees, always the same exact decimal.
public enum AggregateColumn: Sendable {
    /// `percent_rank`: `numerators[row] / denominator` (-1: none).
    case ranks(numerators: [Int32], denominator: Int32)
    /// `ntile`: the bucket, 1...n (0: none).
    case buckets([Int32])
    /// An aggregate over each customer's orders: the customer's value.
    case values([Value])

    public func value(_ row: Int) -> Value {
        switch self {
        case .ranks(let numerators, let denominator):
            return Self.rank(numerator: numerators[row], denominator: denominator)
        case .buckets(let buckets):
            let b = buckets[row]
            return b == 0 ? .none : .number(ExactDecimal(Int(b)))
        case .values(let values):
            return values[row]
        }
    }

    /// A rank as the exact decimal everybody sees (rounded to 38 significant digits
    /// when the fraction does not end); none for a negative numerator.
    static func rank(numerator: Int32, denominator: Int32) -> Value {
        if numerator < 0 { return .none }
        if numerator == 0 { return .number(.zero) }
        return ExactDecimal(Int(numerator)).divided(by: ExactDecimal(Int(denominator))).map { .number($0) } ?? .none
    }

    /// Every customer's value, in row order.
    public var values: [Value] {
        switch self {
        case .ranks(let numerators, _): numerators.indices.map(value)
        case .buckets(let buckets): buckets.indices.map(value)
        case .values(let values): values
        }
    }
}

/// The computed aggregates: a column per per-customer aggregate (`percent_rank`,
/// `ntile`, any aggregate over orders), a single value for the others.
public struct AggregateResults: Sendable {
    /// Per aggregate: its column, or nil for an aggregate with one value for everybody.
    public var columns: [AggregateColumn?]
    public var scalars: [Value]
    /// The customers' orders the aggregates over orders read (nil: nobody has any).
    public var orders: OrderTable? = nil
    /// The divisions by zero inside lets that computing the aggregates counted, per
    /// customer, so that evaluating the customers does not count them again.
    public var letDivisions: LetDivisions

    public init(count: Int) {
        columns = Array(repeating: nil, count: count)
        scalars = Array(repeating: .none, count: count)
        letDivisions = LetDivisions()
    }

    /// An aggregate's value for one customer.
    public func value(_ index: Int, row: Int) -> Value {
        columns[index]?.value(row) ?? scalars[index]
    }

    /// Computes every aggregate of the program over the whole table, in index order
    /// (an aggregate's argument may use lower-indexed aggregates: see
    /// `CheckedPolicy.aggregates`). The divisions by zero counted are each customer's
    /// once, however many aggregates read the let that divides (`letDivisions`).
    /// Aggregates over orders that need none of each other are computed in one pass
    /// over the orders, on up to `workers` threads.
    public static func compute(program: Program, table: CustomerTable, orders: OrderTable? = nil,
                               workers: Int = 1) -> (AggregateResults, divisionsByZero: Int) {
        let program = program.laidOut(for: table, orders: orders?.table)
        var results = AggregateResults(count: program.aggregates.count)
        results.orders = orders
        var divisions = 0
        var index = 0
        while index < program.aggregates.count {
            if program.aggregates[index].overOrders {
                var end = index + 1
                while end < program.aggregates.count, program.aggregates[end].overOrders, program.aggregates[end].needs < index {
                    end += 1
                }
                let pass = OrderAggregation.compute(program, table: table, results: results, run: index..<end, workers: workers)
                for (offset, column) in pass.columns.enumerated() { results.columns[index + offset] = .values(column) }
                divisions += pass.divisionsByZero
                results.letDivisions.formUnion(pass.letDivisions)
                index = end
                continue
            }
            defer { index += 1 }
            let aggregate = program.aggregates[index]
            if aggregate.kind.isPerCustomer, aggregate.kind != .cumulativeShare, let slot = aggregate.argumentField,
               let sorted = Aggregates.sortedByIntegerKeys(slot: slot, of: table) {
                // The common case, a ranking by a number field: no values built.
                results.columns[index] = Aggregates.positions(aggregate.kind, sorted, count: table.count, buckets: aggregate.buckets)
                continue
            }
            // Every customer's value, in stretches of customers on up to `workers` threads.
            var values: [Value] = []
            if aggregate.argument >= 0 {
                values.reserveCapacity(table.count)
                let stretch = OrderAggregation.piece
                let current = results
                let parts = parallelMap(max(1, (table.count + stretch - 1) / stretch), workers: workers) { k in
                    var evaluator = Evaluator(program, table: table, aggregates: current)
                    evaluator.recordsLetDivisions = true
                    var values: [Value] = []
                    for row in (k * stretch)..<min(table.count, (k + 1) * stretch) {
                        evaluator.begin(row: row)
                        values.append(evaluator.valueOf(aggregate.argument))
                    }
                    return (values, evaluator.divisionsByZero, evaluator.countedLetDivisions)
                }
                for (part, partDivisions, letDivisions) in parts {
                    values.append(contentsOf: part)
                    divisions += partDivisions
                    results.letDivisions.formUnion(letDivisions)
                }
            }
            switch aggregate.kind {
            case .percentRank, .ntile, .cumeDist:
                results.columns[index] = Aggregates.positions(aggregate.kind, Aggregates.sortedRows(values), count: values.count,
                                                              buckets: aggregate.buckets)
            case .cumulativeShare: results.columns[index] = Aggregates.cumulativeShares(values)
            case .mean: results.scalars[index] = Aggregates.mean(values)
            case .median: results.scalars[index] = Aggregates.median(values)
            case .sum: results.scalars[index] = Aggregates.sum(values)
            case .count:
                results.scalars[index] = .number(ExactDecimal(aggregate.argument < 0 ? table.count : values.count(where: { !$0.isNone })))
            case .min, .max, .distinct, .first, .last:
                // INVARIANT: the checker allows these over orders only.
                break
            }
        }
        return (results, divisions)
    }
}

/// The aggregate functions themselves, over a column of values; `none` values are
/// skipped (and get `none` where each customer gets a result).
enum Aggregates {
    /// Rows with a value, sorted by value; ties keep input order. `tied[i]` says
    /// whether `rows[i]` has the same value as `rows[i - 1]`.
    static func sortedRows(_ values: [Value]) -> (rows: [Int32], tied: [Bool]) {
        if let fast = sortedByIntegerKeys(values) { return fast }
        var rows = values.indices.filter { !values[$0].isNone }.map { Int32($0) }
        rows.sort { a, b in
            let c = Value.compare(values[Int(a)], values[Int(b)]) ?? 0
            return c != 0 ? c < 0 : a < b
        }
        let tied = rows.indices.map { $0 > 0 && Value.compare(values[Int(rows[$0 - 1])], values[Int(rows[$0])]) == 0 }
        return (rows, tied)
    }

    /// The fast path: every value a decimal of the fast form (brought to one scale)
    /// or every value a date, sorted as integers with the row breaking ties, which
    /// is the same order as the stable sort above. Nil when the values do not fit.
    static func sortedByIntegerKeys(_ values: [Value]) -> (rows: [Int32], tied: [Bool])? {
        // Numbers as a column would hold them (none marked by its scale); dates as day keys.
        var mantissas: [Int64] = [], scales: [Int8] = [], days: [Int64] = [], dayRows: [Int32] = []
        var sawNumber = false
        for (row, v) in values.enumerated() {
            switch v {
            case .none:
                mantissas.append(0); scales.append(CustomerTable.noneScale)
            case .number(let n):
                guard let (m, s) = n.smallParts, days.isEmpty else { return nil }
                sawNumber = true
                mantissas.append(m); scales.append(Int8(s))
            case .date(let d):
                guard !sawNumber else { return nil }
                days.append(Int64(d.daysSinceEpoch)); dayRows.append(Int32(row))
            default:
                return nil
            }
        }
        if !days.isEmpty { return sortedByKeys(days, dayRows) }
        return decimalKeys(mantissas: mantissas, scales: scales).map { sortedByKeys($0.keys, $0.rows) }
    }

    /// The same for a field kept as a decimal column, read straight from the column;
    /// nil when the field is stored otherwise or holds a wide value.
    static func sortedByIntegerKeys(slot: Int, of table: CustomerTable) -> (rows: [Int32], tied: [Bool])? {
        let column = table.layout[slot]
        guard column.storage == .decimal else { return nil }
        return decimalKeys(mantissas: table.mantissas[column.index], scales: table.scales[column.index]).map { sortedByKeys($0.keys, $0.rows) }
    }

    /// Decimals `mantissas[i] / 10^scales[i]` brought to one scale, as integer keys with
    /// their rows; a row whose scale marks none is left out. Nil when a value is wide
    /// (`CustomerTable.wideScale`) or a key does not fit an `Int64`.
    static func decimalKeys(mantissas: [Int64], scales: [Int8]) -> (keys: [Int64], rows: [Int32])? {
        var scale: Int8 = 0
        for s in scales {
            if s == CustomerTable.wideScale { return nil }
            scale = max(scale, s)
        }
        guard Int(scale) < ExactDecimal.powersOfTen.count else { return nil }
        var keys: [Int64] = [], rows: [Int32] = []
        keys.reserveCapacity(mantissas.count)
        rows.reserveCapacity(mantissas.count)
        for row in mantissas.indices where scales[row] >= 0 {
            let (key, overflow) = mantissas[row].multipliedReportingOverflow(by: ExactDecimal.powersOfTen[Int(scale - scales[row])])
            if overflow { return nil }
            keys.append(key)
            rows.append(Int32(row))
        }
        return (keys, rows)
    }

    /// `rows` ordered by their `keys`, stably (rows given in increasing order break
    /// ties as the general sort does), and which rows tie with the one before.
    static func sortedByKeys(_ keys: [Int64], _ rows: [Int32]) -> (rows: [Int32], tied: [Bool]) {
        let sorted = sortedKeys(keys, rows)
        return (sorted.rows, sorted.tied)
    }

    /// The same, with the keys in their sorted order too.
    static func sortedKeys(_ keys: [Int64], _ rows: [Int32]) -> (keys: [Int64], rows: [Int32], tied: [Bool]) {
        guard let low = keys.min(), let high = keys.max() else { return ([], [], []) }
        // Keys less their minimum, as unsigned offsets: the same order, from 0.
        let range = UInt64(bitPattern: high &- low)
        var tied = [Bool](repeating: false, count: keys.count)
        if range < 1 << 32 {
            // The common case (amounts below 43 million in cents): offset and row in one
            // word, so the sort moves one array. Rows ascend already, so sorting by the
            // offset's bits alone keeps them in order within a tie.
            var packed = zip(keys, rows).map { UInt64(bitPattern: $0 &- low) << 32 | UInt64(UInt32(bitPattern: $1)) }
            radixSort(&packed, bits: 32..<(32 + bitWidth(range)))
            for i in packed.indices.dropFirst() where packed[i - 1] >> 32 == packed[i] >> 32 { tied[i] = true }
            return (packed.map { low &+ Int64(bitPattern: $0 >> 32) }, packed.map { Int32(truncatingIfNeeded: $0) }, tied)
        }
        var order = Array(keys.indices)
        var offsets = keys.map { UInt64(bitPattern: $0 &- low) }
        radixSort(&offsets, carrying: &order, bits: 0..<bitWidth(range))
        for i in offsets.indices.dropFirst() where offsets[i - 1] == offsets[i] { tied[i] = true }
        return (offsets.map { low &+ Int64(bitPattern: $0) }, order.map { rows[$0] }, tied)
    }

    static func bitWidth(_ range: UInt64) -> Int { 64 - range.leadingZeroBitCount }

    /// Sorts `words` by their `bits`, stably: least significant digit first, 11 bits a pass.
    static func radixSort(_ words: inout [UInt64], bits: Range<Int>) {
        var unused: [Int] = []
        radixSort(&words, carrying: &unused, bits: bits)
    }

    /// The same, moving `carried` (empty, or one element per word) along.
    static func radixSort(_ words: inout [UInt64], carrying carried: inout [Int], bits: Range<Int>) {
        let digit = 11, mask: UInt64 = (1 << 11) - 1
        var next = words, nextCarried = carried
        var counts = [Int](repeating: 0, count: Int(mask) + 2)
        for shift in stride(from: bits.lowerBound, to: bits.upperBound, by: digit) {
            let shift = UInt64(shift)
            for i in counts.indices { counts[i] = 0 }
            for w in words { counts[Int((w >> shift) & mask) + 1] += 1 }
            for i in 1..<counts.count { counts[i] += counts[i - 1] }
            for i in words.indices {
                let w = words[i]
                let d = Int((w >> shift) & mask)
                next[counts[d]] = w
                if !carried.isEmpty { nextCarried[counts[d]] = carried[i] }
                counts[d] += 1
            }
            swap(&words, &next)
            swap(&carried, &nextCarried)
        }
    }

    /// A column that depends only on each customer's place in the sorted values:
    /// `percent_rank`, `cume_dist` or `ntile`.
    static func positions(_ kind: AggregateKind, _ sorted: (rows: [Int32], tied: [Bool]), count: Int, buckets: Int) -> AggregateColumn {
        switch kind {
        case .percentRank: percentRanks(sorted, count: count)
        case .cumeDist: cumeDists(sorted, count: count)
        default: ntiles(sorted, count: count, buckets: buckets)
        }
    }

    /// As SQL `PERCENT_RANK() OVER (ORDER BY x)`: (rank - 1) / (n - 1), where rank
    /// is one more than the number of smaller values; 0 when n = 1.
    static func percentRanks(_ values: [Value]) -> AggregateColumn {
        percentRanks(sortedRows(values), count: values.count)
    }

    /// As SQL `CUME_DIST() OVER (ORDER BY x)` over the customers with a value: the
    /// number of values less than or equal to each one, over their count.
    static func cumeDists(_ sorted: (rows: [Int32], tied: [Bool]), count: Int) -> AggregateColumn {
        var numerators = [Int32](repeating: -1, count: count)
        let (rows, tied) = sorted
        var end = rows.count
        // From the top: a tie's members all count up to its last one.
        for position in rows.indices.reversed() {
            numerators[Int(rows[position])] = Int32(end)
            if !tied[position] { end = position }
        }
        return .ranks(numerators: numerators, denominator: Int32(max(1, rows.count)))
    }

    /// The share of the total of every value held by the values greater than or
    /// equal to each one, as SQL `SUM(x) OVER (ORDER BY x DESC RANGE UNBOUNDED
    /// PRECEDING) / SUM(x) OVER ()`; none for none, and for everybody when the total
    /// is zero (a share of nothing).
    static func cumulativeShares(_ values: [Value]) -> AggregateColumn {
        quickCumulativeShares(values) ?? generalCumulativeShares(values)
    }

    /// Any values: sorted as values, summed as exact decimals.
    static func generalCumulativeShares(_ values: [Value]) -> AggregateColumn {
        let (rows, tied) = sortedRows(values)
        let numbers = rows.map { row -> ExactDecimal in
            if case .number(let n) = values[Int(row)] { n } else { .zero }
        }
        return shares(rows: rows, tied: tied, count: values.count, total: numbers.reduce(ExactDecimal.zero, +)) { start, end in
            numbers[start..<end].reduce(ExactDecimal.zero, +)
        }
    }

    /// The common case: every value a decimal of the fast form, and every sum fits an
    /// `Int64` at one scale. The same shares as the general way; nil when they do not fit.
    static func quickCumulativeShares(_ values: [Value]) -> AggregateColumn? {
        var mantissas: [Int64] = [], scales: [Int8] = []
        mantissas.reserveCapacity(values.count)
        scales.reserveCapacity(values.count)
        for v in values {
            switch v {
            case .none: mantissas.append(0); scales.append(CustomerTable.noneScale)
            case .number(let n):
                guard let (m, s) = n.smallParts else { return nil }
                mantissas.append(m); scales.append(Int8(s))
            default: return nil
            }
        }
        guard let (keys, keyRows) = decimalKeys(mantissas: mantissas, scales: scales) else { return nil }
        let scale = scales.filter { $0 >= 0 }.max() ?? 0
        // Every sum of some of the keys lies between the negative keys' sum and the
        // positive keys' sum: when those fit, no sum overflows.
        var negative: Int64 = 0, positive: Int64 = 0
        for k in keys {
            let (n, o1) = negative.addingReportingOverflow(min(k, 0)), (p, o2) = positive.addingReportingOverflow(max(k, 0))
            if o1 || o2 { return nil }
            (negative, positive) = (n, p)
        }
        let total = negative + positive
        let (sortedKeys, rows, tied) = sortedKeys(keys, keyRows)
        return shares(rows: rows, tied: tied, count: values.count, total: ExactDecimal(mantissa: total, scale: Int(scale))) { start, end in
            ExactDecimal(mantissa: sortedKeys[start..<end].reduce(Int64(0), +), scale: Int(scale))
        }
    }

    /// The shares of rows sorted ascending (`tied` marks a row equal to the one before):
    /// from the top, a tie at a time, the sum down to its lowest member over `total`.
    /// `sum(start, end)` is the sum of the sorted rows `start..<end`.
    static func shares(rows: [Int32], tied: [Bool], count: Int, total: ExactDecimal,
                       sum: (Int, Int) -> ExactDecimal) -> AggregateColumn {
        guard total != .zero else { return .values([Value](repeating: .none, count: count)) }
        // Each row's tie group first (small writes), then the values in row order.
        var group = [Int32](repeating: -1, count: count)
        var sums: [ExactDecimal] = []
        var above = ExactDecimal.zero
        for tie in tiesFromTheTop(tied) {
            above = above + sum(tie.lowerBound, tie.upperBound)
            for i in tie { group[Int(rows[i])] = Int32(sums.count) }
            sums.append(above)
        }
        let groupShares = sums.map { $0.divided(by: total).map { Value.number($0) } ?? .none }
        return .values(group.map { $0 < 0 ? .none : groupShares[Int($0)] })
    }

    /// The runs of tied positions of an ascending order (`tied[i]`: position i equals
    /// the one before), the highest run first; each run's positions ascend.
    static func tiesFromTheTop(_ tied: [Bool]) -> [Range<Int>] {
        var ties: [Range<Int>] = []
        var end = tied.count
        while end > 0 {
            var start = end - 1
            while start > 0, tied[start] { start -= 1 }
            ties.append(start..<end)
            end = start
        }
        return ties
    }

    static func percentRanks(_ sorted: (rows: [Int32], tied: [Bool]), count: Int) -> AggregateColumn {
        var numerators = [Int32](repeating: -1, count: count)
        let (rows, tied) = sorted
        let n = rows.count
        var rankStart = 0
        for (position, row) in rows.enumerated() {
            if position > 0, !tied[position] { rankStart = position }
            numerators[Int(row)] = Int32(rankStart)
        }
        return .ranks(numerators: numerators, denominator: Int32(max(1, n - 1)))
    }

    /// As SQL `NTILE(n) OVER (ORDER BY x)`: buckets 1...n of sizes differing by at
    /// most one, the larger ones first; ties in input order.
    static func ntiles(_ values: [Value], buckets: Int) -> AggregateColumn {
        ntiles(sortedRows(values), count: values.count, buckets: buckets)
    }

    static func ntiles(_ sorted: (rows: [Int32], tied: [Bool]), count: Int, buckets: Int) -> AggregateColumn {
        var result = [Int32](repeating: 0, count: count)
        let rows = sorted.rows
        let n = rows.count
        guard n > 0, buckets > 0 else { return .buckets(result) }
        let size = n / buckets, extra = n % buckets
        var position = 0
        for bucket in 1...buckets {
            let length = size + (bucket <= extra ? 1 : 0)
            if length == 0 { break }
            for row in rows[position..<(position + length)] { result[Int(row)] = Int32(bucket) }
            position += length
        }
        return .buckets(result)
    }

    static func numbers(_ values: [Value]) -> [ExactDecimal] {
        values.compactMap { if case .number(let n) = $0 { n } else { nil } }
    }

    static func sum(_ values: [Value]) -> Value {
        .number(numbers(values).reduce(ExactDecimal.zero, +))
    }

    static func mean(_ values: [Value]) -> Value {
        let ns = numbers(values)
        guard !ns.isEmpty else { return .none }
        return ns.reduce(ExactDecimal.zero, +).divided(by: ExactDecimal(ns.count)).map { .number($0) } ?? .none
    }

    /// The middle value, or the mean of the two middle values.
    static func median(_ values: [Value]) -> Value {
        let ns = numbers(values).sorted()
        guard !ns.isEmpty else { return .none }
        if ns.count % 2 == 1 { return .number(ns[ns.count / 2]) }
        let pair = ns[ns.count / 2 - 1] + ns[ns.count / 2]
        return pair.divided(by: ExactDecimal(2)).map { .number($0) } ?? .none
    }
}
