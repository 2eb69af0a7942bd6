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
        var starts = [Int32](repeating: 0, count: customerCount + 1)
        for c in customers { starts[Int(c) + 1] += 1 }
        for c in 0..<customerCount { starts[c + 1] += starts[c] }
        var next = starts
        var order = [Int32](repeating: 0, count: customers.count)
        for (row, c) in customers.enumerated() {
            order[Int(next[Int(c)])] = Int32(row)
            next[Int(c)] += 1
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
