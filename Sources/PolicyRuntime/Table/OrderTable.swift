/// The orders of every customer, grouped by customer: the loaded orders reordered
/// once (a stable counting sort by customer, so file order holds within a customer),
/// so that aggregating a customer's orders reads one run of rows, in file order,
/// from every column.
public struct OrderTable: Sendable {
    /// One row per order that has a customer: customer 0's orders, then customer 1's, ...
    public let table: CustomerTable
    /// Customer `c`'s orders are the rows `starts[c] ..< starts[c + 1]`.
    let starts: [Int32]

    /// `customers[i]`: the customer row of order row `i` of `table` (in file order).
    // INVARIANT: every entry of `customers` is a row of the customer table (0 ..< customerCount).
    /// The table is taken over, so that its columns go as they are reordered.
    public init(table: consuming CustomerTable, customers: [Int32], customerCount: Int, workers: Int = 1) {
        // A counting sort: each thread counts a stretch of the orders, then places them.
        let stretches = customers.count < 1 << 16 ? 1 : max(1, workers)
        let size = (customers.count + stretches - 1) / max(1, stretches)
        let counts = parallelMap(stretches, workers: workers) { k in
            var counts = [Int32](repeating: 0, count: customerCount)
            for i in (k * size)..<min(customers.count, (k + 1) * size) { counts[Int(customers[i])] += 1 }
            return counts
        }
        var starts = [Int32](repeating: 0, count: customerCount + 1)
        // Where each thread's orders of each customer go: after the earlier threads'.
        var nexts = counts.map { _ in [Int32](repeating: 0, count: customerCount) }
        var at: Int32 = 0
        for c in 0..<customerCount {
            starts[c] = at
            for k in 0..<stretches {
                nexts[k][c] = at
                at += counts[k][c]
            }
        }
        starts[customerCount] = at
        var order = [Int32](repeating: 0, count: customers.count)
        order.withUnsafeMutableBufferPointer { order in
            let target = UnsafeSendable(order.baseAddress)
            _ = parallelMap(stretches, workers: workers) { [nexts] k in
                var next = nexts[k]
                for i in (k * size)..<min(customers.count, (k + 1) * size) {
                    let c = Int(customers[i])
                    target.pointer![Int(next[c])] = Int32(i)
                    next[c] += 1
                }
            }
        }
        table.reorder(order, workers: workers)
        self.table = table
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
