import Testing
import PolicyValues
import PolicySyntax
import PolicySemantics
import PolicyRuntime
@testable import PolicyData

/// Loading an orders file: each order finds its customer as the pieces are read; an
/// order for a customer the customer file does not have is rejected at its cell; one
/// without a customer is counted and left out; the orders are grouped by customer.
struct OrderLoaderTests {
    static let source = """
    customer {
      id text key
    }
    orders {
      customer_id text? customer from "CustomerID"
      invoice     text           from "InvoiceNo"
      placed      date "yyyy-MM-dd HH:mm:ss" from "InvoiceDate"
      quantity    int            from "Quantity"
    }
    let n = count(orders)
    let q = sum(orders.quantity)
    let i = last(orders.invoice)
    rule "r" when n > 0 then tag "{q} {i}"
    """

    static func program(_ source: String = Self.source) throws -> Program {
        let (loaded, _) = PolicyLoader.load(SourceFile(path: "p.policy", text: source))
        let policy = try #require(Checker.check(loaded).0)
        return try #require(Program.plan(policy, asOf: CivilDate(year: 2026, month: 11, day: 22)!).0)
    }

    /// Keys kept in a lookup's slot, one compared in the table (over 16 bytes), one not ASCII.
    static let customerIDs = ["C1", "C2", "王伟", "C4", "C 5", "customer-0000000000017"]

    static func customers(_ program: Program) -> CustomerTable {
        var table = program.makeTable()
        for (i, id) in customerIDs.enumerated() { table.append([.text(id)], line: i + 2) }
        return table
    }

    /// Orders with every kind of customer cell: plain, quoted, padded, not ASCII,
    /// unknown, empty, and rows with other bad cells.
    static func csv(rows: Int, seed: UInt64) -> String {
        var state = seed
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        let keys = ["C1", "\"C2\"", " C4 ", "王伟", "\"C 5\"", "C9", "", "c1", "\"王伟 \"", "\"C1\nX\""]
        var text = "InvoiceNo,StockCode,Quantity,InvoiceDate,CustomerID\n"
        for i in 0..<rows {
            let quantity = next(25) == 0 ? "x" : "\(next(9) - 2)"
            let date = next(30) == 0 ? "2026-11-31 10:00:00" : "2026-\(10 + next(2))-1\(next(10)) 0\(next(10)):15:00"
            text += "\(500_000 + i / 3),85123A,\(quantity),\(date),\(keys[next(keys.count)])\n"
        }
        return text
    }

    static func dump(_ load: OrderLoad) -> [String] {
        var lines: [String] = []
        for customer in 0..<load.customers.count {
            let orders = load.orders.orders(of: customer).map { row in
                "\(load.orders.table.lines[row]):" + (1..<4).map { "\(load.orders.table.value($0, row))" }.joined(separator: "/")
            }
            lines.append("\(load.customers.value(0, customer)): " + orders.joined(separator: " "))
        }
        lines += load.rejects.map { reject in
            reject.fields.joined(separator: " | ") + " [\(reject.code.rawValue)] " + (reject.place.map { "@\($0.line):\($0.column)" } ?? "@-")
        }
        lines.append("rejected \(load.rejectedRows), without a customer \(load.withoutCustomer), read \(load.rowsRead)")
        return lines
    }

    @Test(arguments: [(2, 64), (2, 300), (3, 1)] as [(Int, Int)])
    func piecesReadLikeOneReading(workers: Int, pieceSize: Int) throws {
        let program = try Self.program()
        let text = Self.csv(rows: 600, seed: UInt64(pieceSize))
        func load(workers: Int, pieceSize: Int?) throws -> [String] {
            let file = CustomerFile(name: "o.csv", bytes: Array(text.utf8), format: .csv)
            return Self.dump(try OrderLoader.load(file, program: program, customers: Self.customers(program),
                                                  workers: workers, pieceSize: pieceSize))
        }
        let one = try load(workers: 1, pieceSize: nil)
        // The data holds what the test is about.
        #expect(one.contains { $0.contains("[E0517]") && $0.contains("| C9 |") && $0.contains("the key of a customer in the customer file") })
        #expect(one.contains { $0.contains("[E0517]") && $0.contains("| c1 |") })
        #expect(one.contains { $0.contains("[E0502]") })
        #expect(one.last?.hasPrefix("rejected") == true && !(one.last?.contains("without a customer 0") ?? true))
        #expect(try load(workers: workers, pieceSize: pieceSize) == one)
    }

    @Test func rejectsArePlacedAtTheCustomerCell() throws {
        let program = try Self.program()
        let text = """
        InvoiceNo,StockCode,Quantity,InvoiceDate,CustomerID
        1,A,2,2026-11-01 10:00:00,C1
        2,A,1,2026-11-02 10:00:00,C9
        3,A,1,2026-11-02 10:00:00,
        4,A,x,2026-11-03 10:00:00,C9
        5,A,3,2026-11-04 10:00:00," 王伟"

        """
        let load = try OrderLoader.load(CustomerFile(name: "o.csv", bytes: Array(text.utf8), format: .csv), program: program,
                                        customers: Self.customers(program))
        #expect(load.rejects.map(\.headline) == [
            "o.csv:3:27: `customer_id` is `C9`, expected the key of a customer in the customer file [E0517]",
            "o.csv:5:5: `quantity` is `x`, expected a whole number (customer `C9`) [E0502]",
        ])
        #expect(load.withoutCustomer == 1 && load.rejectedRows == 2 && load.rowsRead == 5)
        #expect(Self.dump(load).prefix(3) == [
            "text(\"C1\"): 2:text(\"1\")/date(2026-11-01)/number(2)", "text(\"C2\"): ", "text(\"王伟\"): 6:text(\"5\")/date(2026-11-04)/number(3)",
        ])
    }

    @Test func withoutACustomerFileTheCustomersAreTheOrdersInOrderOfFirstAppearance() throws {
        let program = try Self.program(Self.source.replacingOccurrences(of: "customer {\n  id text key\n}\n", with: ""))
        let text = "InvoiceNo,StockCode,Quantity,InvoiceDate,CustomerID\n1,A,1,2026-11-01 10:00:00,B\n2,A,1,2026-11-01 10:00:00,\n"
            + "3,A,2,2026-11-01 10:00:00,A\n4,A,4,2026-11-02 10:00:00,B\n"
        let load = try OrderLoader.load(CustomerFile(name: "o.csv", bytes: Array(text.utf8), format: .csv), program: program,
                                        customers: nil, workers: 2, pieceSize: 8)
        #expect((0..<load.customers.count).map { load.customers.value(0, $0) } == [.text("B"), .text("A")])
        #expect(load.customers.lines == [2, 4])
        #expect(load.orders.count(of: 0) == 2 && load.orders.count(of: 1) == 1)
        #expect(load.withoutCustomer == 1 && load.rejects.isEmpty)
    }

    /// The lookup by a cell's bytes finds what the lookup by value finds, or leaves the
    /// cell to it (text that is not ASCII).
    @Test func lookingUpBytesIsLookingUpTheValue() throws {
        let program = try Self.program()
        let lookup = CustomerLookup(Self.customers(program), keySlot: 0)
        for key in Self.customerIDs + ["C9", "c1", "C", "C11", "王", "Zoë", "C 5 ", "e\u{301}", "customer-0000000000018",
                                       "customer-000000000001", "0123456789abcdef", "0123456789abcdeg"] {
            let byValue = lookup.row(of: .text(key))
            let byBytes = Array(key.utf8).withUnsafeBufferPointer { lookup.row(ofText: $0) }
            #expect(byBytes == nil ? !key.utf8.allSatisfy { $0 < 0x80 } : byBytes == byValue, "\(key)")
        }
        #expect(lookup.row(of: .none) == -2)
    }
}
