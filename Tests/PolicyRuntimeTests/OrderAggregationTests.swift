import Testing
import PolicyValues
import PolicySyntax
import PolicySemantics
@testable import PolicyRuntime

/// Aggregates over each customer's orders, as the program computes them (orders
/// grouped once, every aggregate of a run fed in one pass, shared `where`s decided once
/// per order, sums kept in a mantissa) against the reference, which reads every order
/// of the file for every customer and aggregates as SPEC section 5 words it.
struct OrderAggregationTests {
    static let source = """
    customer {
      id text key
      region text?
      cap money?
    }
    orders {
      shopper text? customer
      invoice text?
      placed date?
      amount money?
      quantity int?
      channel text?
    }
    let lines = count(orders)
    let counted = count(orders where not starts_with(orders.invoice, "C"))
    let spend = sum(orders.amount * orders.quantity where not starts_with(orders.invoice, "C"))
    let recent = sum(orders.amount * orders.quantity where not starts_with(orders.invoice, "C") and orders.placed > today - 90 days)
    let average = mean(orders.amount)
    let cheapest = min(orders.amount)
    let dearest = max(orders.invoice)
    let latest = max(orders.placed where orders.amount > 0)
    let invoices = distinct(orders.invoice)
    let channels = distinct(orders.channel where orders.placed > today - 90 days)
    let amounts = distinct(orders.amount)
    let opening = first(orders.invoice)
    let closing = last(orders.amount)
    let big = count(orders where orders.amount > cap)
    let above = count(orders where orders.amount > average)
    let above_mean = count(orders where orders.amount >= mean(orders.amount))
    let regional = count(orders where orders.channel = region)
    let per_line = spend / lines
    let odd = sum(orders.quantity where per_line > 1)
    let score = ntile(if lines = 0 then none else spend, 4)
    let total = sum(orders.quantity) + score
    rule "r" when true then tag "{lines}"
    """

    /// Customers, and orders in file order with each one's customer row.
    static func data(_ program: Program, customers: Int, orders: Int, seed: UInt64)
        -> (table: CustomerTable, orders: CustomerTable, customerRows: [Int32]) {
        var state = seed
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        var table = CustomerTable(types: program.fields.map(\.columnType))
        let regions: [Value] = [.none, .text("web"), .text("shop")]
        for i in 0..<customers {
            table.append([.text("C\(i)"), regions[next(3)],
                          next(4) == 0 ? .none : .number(ExactDecimal(mantissa: Int64(next(5000)), scale: 2))], line: i + 2)
        }
        var rows = program.makeOrderTable()
        var customerRows: [Int32] = []
        let channels: [Value] = [.none, .text("web"), .text("shop"), .text("Web")]
        for i in 0..<orders {
            // A few customers have most orders; some have none.
            let customer = next(3) == 0 ? next(max(1, customers / 10)) : next(customers)
            if customer % 7 == 3 { continue }
            let invoice: Value = switch next(10) {
            case 0: .none
            case 1: .text("C\(500 + next(20))")
            case 2: .text("é\(next(5))")
            default: .text("\(500 + next(40))")
            }
            let amount: Value = switch next(12) {
            case 0: .none
            case 1: .number(ExactDecimal(mantissa: Int64.max / 5, scale: 0))     // the sum leaves the mantissa
            case 2: .number(ExactDecimal(mantissa: Int64(next(100)), scale: 3))
            case 3: .number(ExactDecimal(mantissa: -Int64(next(900)), scale: 1))
            default: .number(ExactDecimal(mantissa: Int64(next(90_000)), scale: 2))
            }
            let placed: Value = next(9) == 0 ? .none : .date(CivilDate(daysSinceEpoch: Int32(20_300 + next(120))))
            rows.append([.text("C\(customer)"), invoice, placed, amount,
                         next(8) == 0 ? .none : .number(ExactDecimal(next(7) - 1)), channels[next(4)]], line: i + 2)
            customerRows.append(Int32(customer))
        }
        return (table, rows, customerRows)
    }

    @Test(arguments: [(1, 120, 700), (7, 300, 2_000), (11, 40, 0)])
    func aggregatesAreTheReferences(seed: Int, customers: Int, orders: Int) throws {
        let program = try ProgramTests.plan(Self.source)
        let (table, rows, customerRows) = Self.data(program, customers: customers, orders: orders, seed: UInt64(seed))
        let grouped = OrderTable(table: rows, customers: customerRows, customerCount: table.count)
        let (aggregates, _) = AggregateResults.compute(program: program, table: table, orders: grouped, workers: 2)
        var evaluator = Evaluator(program, table: table, aggregates: aggregates)
        var reference = ReferenceEvaluator(policy: program.policy, asOf: program.asOf, table: table, aggregates: aggregates)
        reference.orders = rows
        reference.orderCustomers = customerRows
        for row in 0..<table.count {
            reference.begin(row)
            for (index, spec) in program.policy.lets.enumerated() {
                let got = evaluator.letValue(index, row: row), expected = reference.letValue(index)
                #expect(got == expected, "customer \(row): `\(spec.name)` is \(got), the reference \(expected)")
            }
        }
    }

    /// Customers in pieces on two threads, as on one.
    @Test func piecesOnThreadsAreOneReading() throws {
        let program = try ProgramTests.plan(Self.source)
        let (table, rows, customerRows) = Self.data(program, customers: 40_000, orders: 90_000, seed: 3)
        let one = AggregateResults.compute(program: program, table: table,
                                           orders: OrderTable(table: rows, customers: customerRows, customerCount: table.count), workers: 1)
        let two = AggregateResults.compute(program: program, table: table,
                                           orders: OrderTable(table: rows, customers: customerRows, customerCount: table.count, workers: 2),
                                           workers: 2)
        #expect(one.divisionsByZero == two.divisionsByZero)
        for index in one.0.columns.indices {
            #expect(one.0.columns[index]?.values == two.0.columns[index]?.values)
        }
    }

    @Test func ordersAreGroupedByCustomerInFileOrder() {
        var rows = CustomerTable(fieldCount: 1)
        for (i, text) in ["a", "b", "c", "d", "e"].enumerated() { rows.append([.text(text)], line: i + 2) }
        let grouped = OrderTable(table: rows, customers: [2, 0, 2, 1, 0], customerCount: 4)
        #expect((0..<5).map { grouped.table.value(0, $0) } == ["b", "e", "d", "a", "c"].map { Value.text($0) })
        #expect(grouped.table.lines == [3, 6, 5, 2, 4])
        #expect((0..<4).map { grouped.orders(of: $0) } == [0..<2, 2..<3, 3..<5, 5..<5])
        #expect(grouped.count(of: 3) == 0)
    }
}
