import PolicyValues
import PolicyRuntime

/// The orders of a file, each with its customer, and the rows that could not be used.
public struct OrderLoad: Sendable {
    public var orders: OrderTable
    /// The customers: those given, or, without a customer file, the orders' distinct
    /// customers in the order of their first order (their key only).
    public var customers: CustomerTable
    /// The orders' rejects, in file order: bad cells, and customers the customer file does not have.
    public var rejects: [Reject]
    public var rejectedRows: Int
    /// Orders whose customer field is empty (and optional): counted and left out.
    public var withoutCustomer: Int
    /// Order rows read, accepted or not.
    public var rowsRead: Int { orders.table.count + rejectedRows + withoutCustomer }
}

/// Loads an orders file (SPEC section 5) as `CustomerLoader` loads customers: the same
/// cell reading, checks, rejects and parallel pieces. Each order's customer is found
/// by its key while the pieces are read; the orders are then grouped by customer once.
public enum OrderLoader {
    /// `customers`: the loaded customers (nil: take them from the orders).
    public static func load(_ file: consuming CustomerFile, program: Program, customers: CustomerTable?,
                            workers: Int = 1, pieceSize: Int? = nil) throws(DataError) -> OrderLoad {
        // INVARIANT: called for a policy with an orders block.
        let customerSlot = program.policy.orders?.keySlot ?? 0
        if let customers {
            let lookup = CustomerLookup(customers, keySlot: program.policy.schema.keySlot)
            let loaded = try CustomerLoader.load(consume file, fields: program.orderFields, keySlot: customerSlot,
                                                 keep: program.keptOrderFields, keys: .customers(lookup),
                                                 workers: workers, pieceSize: pieceSize)
            // INVARIANT: a load with a lookup gives its orders grouped (`LoadAssembly.join`).
            let orders = loaded.orders!
            return OrderLoad(orders: orders, customers: customers, rejects: loaded.rejects, rejectedRows: loaded.rejectedRows,
                             withoutCustomer: loaded.withoutCustomer)
        }
        // Every order with a customer names one: the customers are read off the orders.
        var loaded = try CustomerLoader.load(consume file, fields: program.orderFields, keySlot: customerSlot,
                                             keep: program.keptOrderFields.union([customerSlot]),
                                             keys: .customers(nil), workers: workers, pieceSize: pieceSize)
        var table = program.makeTable()
        var rows: [Value: Int32] = [:]
        var customerRows: [Int32] = []
        customerRows.reserveCapacity(loaded.table.count)
        let keySlot = program.policy.schema.keySlot
        var values = Array(repeating: Value.none, count: program.fields.count)
        for order in 0..<loaded.table.count {
            let key = loaded.table.value(customerSlot, order)
            if let row = rows[key] {
                customerRows.append(row)
                continue
            }
            let row = Int32(table.count)
            rows[key] = row
            values[keySlot] = key
            table.append(values, line: Int(loaded.table.lines[order]))
            customerRows.append(row)
        }
        let orders = OrderTable(table: loaded.takeTable(), customers: customerRows, customerCount: table.count, workers: workers)
        return OrderLoad(orders: orders, customers: table, rejects: loaded.rejects, rejectedRows: loaded.rejectedRows,
                         withoutCustomer: loaded.withoutCustomer)
    }
}
