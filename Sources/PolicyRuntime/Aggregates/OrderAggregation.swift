import PolicyValues
import PolicySemantics

/// Computes aggregates over each customer's own orders (SPEC section 5): for every
/// customer, one pass over their orders feeds every aggregate of the run. A `none`
/// value is skipped, as in SQL; a customer without (matching) orders gets 0 from
/// `count`, `distinct` and `sum`, and `none` from the others.
enum OrderAggregation {
    struct Pass {
        /// Per aggregate of the run, every customer's value.
        var columns: [[Value]]
        var divisionsByZero: Int
        var letDivisions: LetDivisions
    }

    /// Customers per piece of work (here and for the population aggregates): enough that a
    /// piece outweighs its set-up.
    static let piece = 16_384

    static func compute(_ program: Program, table: CustomerTable, results: AggregateResults, run: Range<Int>,
                        workers: Int) -> Pass {
        let pieces = max(1, (table.count + piece - 1) / piece)
        let passes = parallelMap(pieces, workers: workers) { k -> Pass in
            let rows = (k * piece)..<min(table.count, (k + 1) * piece)
            return computePiece(program, table: table, results: results, run: run, rows: rows)
        }
        var columns = Array(repeating: [Value](), count: run.count)
        for i in columns.indices { columns[i].reserveCapacity(table.count) }
        var all = Pass(columns: [], divisionsByZero: 0, letDivisions: results.letDivisions)
        for pass in passes {
            for i in columns.indices { columns[i].append(contentsOf: pass.columns[i]) }
            all.divisionsByZero += pass.divisionsByZero
            all.letDivisions.formUnion(pass.letDivisions)
        }
        all.columns = columns
        return all
    }

    private static func computePiece(_ program: Program, table: CustomerTable, results: AggregateResults, run: Range<Int>,
                                     rows: Range<Int>) -> Pass {
        var evaluator = Evaluator(program, table: table, aggregates: results)
        evaluator.recordsLetDivisions = true
        let aggregates = run.map { program.aggregates[$0] }
        var columns = Array(repeating: [Value](), count: run.count)
        for i in columns.indices { columns[i].reserveCapacity(rows.count) }
        var accumulators = aggregates.map { Accumulator(kind: $0.kind) }
        // A `where` shared by several aggregates (one operation: see `Planner.op`) is
        // worked out once per order: per aggregate, its place among the distinct filters.
        let filters = Array(Set(aggregates.map(\.filter).filter { $0 >= 0 })).sorted()
        let filterOf = aggregates.map { a in a.filter < 0 ? -1 : filters.firstIndex(of: a.filter)! }
        var verdicts = [Int8](repeating: -1, count: filters.count)
        let orders = results.orders
        // The per-order loop works in place: no array is checked for sharing per order.
        accumulators.withUnsafeMutableBufferPointer { accumulators in
            verdicts.withUnsafeMutableBufferPointer { verdicts in
                aggregates.withUnsafeBufferPointer { aggregates in
                    filterOf.withUnsafeBufferPointer { filterOf in
                        for row in rows {
                            evaluator.begin(row: row)
                            for i in accumulators.indices { accumulators[i].reset() }
                            if let orders, row < orders.customerCount {
                                for order in orders.orders(of: row) {
                                    evaluator.begin(order: order)
                                    for f in verdicts.indices { verdicts[f] = -1 }
                                    for i in aggregates.indices {
                                        let f = filterOf[i]
                                        if f >= 0 {
                                            if verdicts[f] < 0 { verdicts[f] = evaluator.holds(aggregates[i].filter) ? 1 : 0 }
                                            if verdicts[f] == 0 { continue }
                                        }
                                        accumulators[i].add(aggregates[i], &evaluator)
                                    }
                                }
                            }
                            for i in accumulators.indices { columns[i].append(accumulators[i].result(&evaluator)) }
                        }
                    }
                }
            }
        }
        return Pass(columns: columns, divisionsByZero: evaluator.divisionsByZero, letDivisions: evaluator.countedLetDivisions)
    }

    /// One aggregate's state for the customer being computed. Values are kept as the
    /// evaluator's scalars: a box in the customer's scratch values lives until the
    /// next customer begins.
    struct Accumulator {
        let kind: AggregateKind
        var count = 0
        /// The sum: `mantissa / 10^scale` while it fits an `Int64` (no `ExactDecimal`
        /// per order), then `wideSum` from the first value that would not fit.
        var mantissa: Int64 = 0
        var scale: Int8 = 0
        var wideSum: ExactDecimal? = nil
        var best = Scalar.none
        var bestDay: Int64 = 0
        /// `distinct`: the values seen, searched in turn while they are few, then hashed.
        var seen: [Scalar] = []
        var seenValues: Set<Value> = []

        init(kind: AggregateKind) { self.kind = kind }

        mutating func reset() {
            count = 0
            mantissa = 0
            scale = 0
            wideSum = nil
            best = .none
            if !seen.isEmpty { seen.removeAll(keepingCapacity: true) }
            if !seenValues.isEmpty { seenValues.removeAll(keepingCapacity: true) }
        }

        mutating func add(_ aggregate: PlannedAggregate, _ evaluator: inout Evaluator) {
            if aggregate.argument < 0 {
                count += 1
                return
            }
            let v = evaluator.operand(aggregate.argument)
            if v.isNone { return }
            switch kind {
            case .count:
                count += 1
            case .sum, .mean:
                if v.kind == .decimal {
                    addSmall(v.bits, scale: v.scale)
                } else if case .number(let n) = evaluator.value(of: v) {
                    wideSum = sum + n
                }
                count += 1
            case .min, .max:
                if best.isNone {
                    best = v
                } else if let c = evaluator.order(v, best), kind == .min ? c < 0 : c > 0 {
                    best = v
                }
            case .first, .last:
                let date = evaluator.operand(aggregate.orderDate)
                guard date.kind == .date else { return }
                // Among orders of one date, `first` keeps the earliest row and `last` the latest.
                if best.isNone || (kind == .first ? date.bits < bestDay : date.bits >= bestDay) {
                    best = v
                    bestDay = date.bits
                }
            case .distinct:
                addDistinct(v, &evaluator)
            case .percentRank, .ntile, .median, .cumulativeShare, .cumeDist:
                // INVARIANT: the checker allows these over the population only.
                break
            }
        }

        /// Adds `m / 10^s` to the sum, in the mantissa while it fits.
        @inline(__always)
        private mutating func addSmall(_ m: Int64, scale s: Int8) {
            if wideSum == nil {
                if s == scale {
                    let (total, overflow) = mantissa.addingReportingOverflow(m)
                    if !overflow { mantissa = total; return }
                } else if s < scale, Int(scale - s) < ExactDecimal.powersOfTen.count {
                    let (scaled, o1) = m.multipliedReportingOverflow(by: ExactDecimal.powersOfTen[Int(scale - s)])
                    let (total, o2) = mantissa.addingReportingOverflow(scaled)
                    if !o1, !o2 { mantissa = total; return }
                } else if s > scale, Int(s - scale) < ExactDecimal.powersOfTen.count {
                    let (scaled, o1) = mantissa.multipliedReportingOverflow(by: ExactDecimal.powersOfTen[Int(s - scale)])
                    let (total, o2) = scaled.addingReportingOverflow(m)
                    if !o1, !o2 { mantissa = total; scale = s; return }
                }
            }
            wideSum = sum + ExactDecimal(smallMantissa: m, scale: Int32(s))
        }

        /// The sum so far.
        var sum: ExactDecimal { wideSum ?? ExactDecimal(smallMantissa: mantissa, scale: Int32(scale)) }

        private mutating func addDistinct(_ v: Scalar, _ evaluator: inout Evaluator) {
            if seen.count < 32, seenValues.isEmpty {
                // Latest first: the lines of one invoice come together.
                for s in seen.reversed() where (Evaluator.quickOrder(v, s) ?? evaluator.order(v, s)) == 0 { return }
                seen.append(v)
                return
            }
            if seenValues.isEmpty {
                for s in seen { seenValues.insert(evaluator.value(of: s)) }
            }
            seenValues.insert(evaluator.value(of: v))
        }

        mutating func result(_ evaluator: inout Evaluator) -> Value {
            switch kind {
            case .count: return .number(ExactDecimal(count))
            case .distinct: return .number(ExactDecimal(seenValues.isEmpty ? seen.count : seenValues.count))
            case .sum: return .number(sum)
            case .mean: return count == 0 ? .none : sum.divided(by: ExactDecimal(count)).map { .number($0) } ?? .none
            case .min, .max, .first, .last: return evaluator.value(of: best)
            case .percentRank, .ntile, .median, .cumulativeShare, .cumeDist: return .none
            }
        }
    }
}
