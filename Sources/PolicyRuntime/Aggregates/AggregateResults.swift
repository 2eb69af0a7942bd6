import PolicySemantics

/// The computed population aggregates: a column per per-customer aggregate
/// (`percent_rank`, `ntile`), a single value for the others.
public struct AggregateResults: Sendable {
    public var columns: [[Value]]
    public var scalars: [Value]

    public init(count: Int) {
        columns = Array(repeating: [], count: count)
        scalars = Array(repeating: .none, count: count)
    }

    /// Computes every aggregate of the program over the whole table, in index order
    /// (an aggregate's argument may use lower-indexed aggregates: see
    /// `CheckedPolicy.aggregates`).
    public static func compute(program: Program, table: CustomerTable) -> (AggregateResults, divisionsByZero: Int) {
        var results = AggregateResults(count: program.aggregates.count)
        var divisions = 0
        for (index, aggregate) in program.aggregates.enumerated() {
            var evaluator = Evaluator(program: program, table: table, aggregates: results)
            var values: [Value] = []
            if let argument = aggregate.argument {
                values.reserveCapacity(table.count)
                for row in 0..<table.count { values.append(evaluator.value(argument, row: row)) }
            }
            divisions += evaluator.divisionsByZero
            switch aggregate.kind {
            case .percentRank: results.columns[index] = Aggregates.percentRank(values)
            case .ntile: results.columns[index] = Aggregates.ntile(values, buckets: aggregate.buckets)
            case .mean: results.scalars[index] = Aggregates.mean(values)
            case .median: results.scalars[index] = Aggregates.median(values)
            case .sum: results.scalars[index] = Aggregates.sum(values)
            case .count:
                results.scalars[index] = .number(ExactDecimal(aggregate.argument == nil ? table.count : values.count(where: { !$0.isNone })))
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
    static func sortedRows(_ values: [Value]) -> (rows: [Int], tied: [Bool]) {
        if let fast = sortedByIntegerKeys(values) { return fast }
        var rows = values.indices.filter { !values[$0].isNone }
        rows.sort { a, b in
            let c = Value.compare(values[a], values[b]) ?? 0
            return c != 0 ? c < 0 : a < b
        }
        let tied = rows.indices.map { $0 > 0 && Value.compare(values[rows[$0 - 1]], values[rows[$0]]) == 0 }
        return (rows, tied)
    }

    /// The fast path: every value a decimal of the fast form (brought to one scale)
    /// or every value a date, sorted as integers with the row breaking ties, which
    /// is the same order as the stable sort above. Nil when the values do not fit.
    static func sortedByIntegerKeys(_ values: [Value]) -> (rows: [Int], tied: [Bool])? {
        var scale: Int32 = 0
        var sawNumber = false, sawDate = false
        for v in values {
            switch v {
            case .none: continue
            case .number(let n):
                guard let (_, s) = n.smallParts, !sawDate else { return nil }
                sawNumber = true
                scale = max(scale, s)
            case .date:
                guard !sawNumber else { return nil }
                sawDate = true
            default: return nil
            }
        }
        guard scale < Int32(ExactDecimal.powersOfTen.count) else { return nil }
        var keys: [(key: Int64, row: Int32)] = []
        keys.reserveCapacity(values.count)
        for (row, v) in values.enumerated() {
            switch v {
            case .number(let n):
                guard let (m, s) = n.smallParts else { return nil }
                let (key, overflow) = m.multipliedReportingOverflow(by: ExactDecimal.powersOfTen[Int(scale - s)])
                if overflow { return nil }
                keys.append((key, Int32(row)))
            case .date(let d):
                keys.append((Int64(d.daysSinceEpoch), Int32(row)))
            default:
                continue
            }
        }
        keys.sort { $0.key != $1.key ? $0.key < $1.key : $0.row < $1.row }
        let tied = keys.indices.map { $0 > 0 && keys[$0 - 1].key == keys[$0].key }
        return (keys.map { Int($0.row) }, tied)
    }

    /// As SQL `PERCENT_RANK() OVER (ORDER BY x)`: (rank - 1) / (n - 1), where rank
    /// is one more than the number of smaller values; 0 when n = 1.
    static func percentRank(_ values: [Value]) -> [Value] {
        var result = [Value](repeating: .none, count: values.count)
        let (rows, tied) = sortedRows(values)
        let n = rows.count
        guard n > 0 else { return result }
        let denominator = ExactDecimal(max(1, n - 1))
        var rankStart = 0
        for (position, row) in rows.enumerated() {
            if position > 0, !tied[position] { rankStart = position }
            let rank = n == 1 ? ExactDecimal.zero : (ExactDecimal(rankStart).divided(by: denominator) ?? .zero)
            result[row] = .number(rank)
        }
        return result
    }

    /// As SQL `NTILE(n) OVER (ORDER BY x)`: buckets 1...n of sizes differing by at
    /// most one, the larger ones first; ties in input order.
    static func ntile(_ values: [Value], buckets: Int) -> [Value] {
        var result = [Value](repeating: .none, count: values.count)
        let rows = sortedRows(values).rows
        let n = rows.count
        guard n > 0, buckets > 0 else { return result }
        let size = n / buckets, extra = n % buckets
        var position = 0
        for bucket in 1...buckets {
            let length = size + (bucket <= extra ? 1 : 0)
            if length == 0 { break }
            for row in rows[position..<(position + length)] { result[row] = .number(ExactDecimal(bucket)) }
            position += length
        }
        return result
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
