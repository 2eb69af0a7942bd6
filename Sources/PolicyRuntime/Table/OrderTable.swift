/// The orders of every customer, grouped by customer: the loaded orders placed once
/// by a counting sort on their customer (file order holds within a customer), so
/// that aggregating a customer's orders reads one run of rows from every column.
public struct OrderTable: Sendable {
    /// One row per order that has a customer: customer 0's orders, then customer 1's, ...
    public let table: CustomerTable
    /// Customer `c`'s orders are the rows `starts[c] ..< starts[c + 1]`.
    let starts: [Int32]

    /// The orders of a table in file order; `customers[i]`: the customer row of its row `i`.
    /// The table is taken over, so that its columns go as they are placed.
    public init(table: consuming CustomerTable, customers: [Int32], customerCount: Int, workers: Int = 1) {
        var parts = [table]
        self.init(parts: &parts, customers: [customers], lineOffsets: [0], customerCount: customerCount, workers: workers)
    }

    /// The orders of tables read in pieces, in file order: `customers[k][r]` is the
    /// customer row of row `r` of part `k` (negative: the row is left out), and
    /// `lineOffsets[k]` what to add to part k's lines. The parts are emptied.
    // INVARIANT: every entry of `customers` is negative or a customer row (0 ..< customerCount).
    public init(parts: inout [CustomerTable], customers: [[Int32]], lineOffsets: [Int], customerCount: Int, workers: Int = 1) {
        // A counting sort: each thread counts the orders of a run of parts, then places them
        // after the earlier threads' orders of the same customer.
        let groups = max(1, min(workers, parts.count))
        let size = (parts.count + groups - 1) / groups
        let counts = parallelMap(groups, workers: workers) { g in
            var counts = [Int32](repeating: 0, count: customerCount)
            for k in (g * size)..<min(customers.count, (g + 1) * size) {
                for c in customers[k] where c >= 0 { counts[Int(c)] += 1 }
            }
            return counts
        }
        var starts = [Int32](repeating: 0, count: customerCount + 1)
        var nexts = counts.map { _ in [Int32](repeating: 0, count: customerCount) }
        var at: Int32 = 0
        for c in 0..<customerCount {
            starts[c] = at
            for g in 0..<groups {
                nexts[g][c] = at
                at += counts[g][c]
            }
        }
        starts[customerCount] = at
        let placed = parallelMap(groups, workers: workers) { [nexts] g -> [[Int32]] in
            var next = nexts[g]
            return ((g * size)..<min(customers.count, (g + 1) * size)).map { k in
                customers[k].map { c in
                    guard c >= 0 else { return -1 }
                    defer { next[Int(c)] += 1 }
                    return next[Int(c)]
                }
            }
        }
        table = CustomerTable.scattering(&parts, positions: Array(placed.joined()), count: Int(at), lineOffsets: lineOffsets,
                                         workers: workers)
        self.starts = starts
    }

    /// How many customers the orders are grouped for.
    public var customerCount: Int { starts.count - 1 }

    /// The order rows of a customer, in file order.
    public func orders(of customer: Int) -> Range<Int> {
        Int(starts[customer])..<Int(starts[customer + 1])
    }

    /// How many orders a customer has.
    public func count(of customer: Int) -> Int {
        Int(starts[customer + 1] - starts[customer])
    }
}
