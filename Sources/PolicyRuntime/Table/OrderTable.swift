/// The orders of every customer: the loaded orders in file order, and for each
/// customer the rows of their own orders, grouped once (a counting sort by customer,
/// which keeps file order within a customer), so that aggregating a customer's
/// orders reads only theirs.
public struct OrderTable: Sendable {
    /// One row per order that has a customer, in file order.
    public let table: CustomerTable
    /// Customer `c`'s orders are `rows[starts[c] ..< starts[c + 1]]`, in file order.
    let starts: [Int32]
    let rows: [Int32]

    /// `customers[i]`: the customer row of order row `i`.
    // INVARIANT: every entry of `customers` is a row of the customer table (0 ..< customerCount).
    public init(table: CustomerTable, customers: [Int32], customerCount: Int) {
        self.table = table
        var starts = [Int32](repeating: 0, count: customerCount + 1)
        for c in customers { starts[Int(c) + 1] += 1 }
        for c in 0..<customerCount { starts[c + 1] += starts[c] }
        var next = starts
        var rows = [Int32](repeating: 0, count: customers.count)
        for (order, c) in customers.enumerated() {
            rows[Int(next[Int(c)])] = Int32(order)
            next[Int(c)] += 1
        }
        self.starts = starts
        self.rows = rows
    }

    /// How many customers the orders are grouped for.
    public var customerCount: Int { starts.count - 1 }

    /// The order rows of a customer, in file order.
    public func orders(of customer: Int) -> ArraySlice<Int32> {
        rows[Int(starts[customer])..<Int(starts[customer + 1])]
    }

    /// How many orders a customer has.
    public func count(of customer: Int) -> Int {
        Int(starts[customer + 1] - starts[customer])
    }
}
