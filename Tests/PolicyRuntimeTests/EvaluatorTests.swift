import Testing
import PolicyValues
import PolicySyntax
import PolicySemantics
@testable import PolicyRuntime

/// Evaluates `expression` as a let for one customer (spend 120.50, orders 3, no
/// birthday) as of 2026-11-22, and prints it as the output would.
func evaluate(_ expression: String) -> String {
    let source = """
    customer { id text key  spend money  orders int  birthday date?  name text? }
    let x = \(expression)
    """
    let (loaded, _) = PolicyLoader.load(SourceFile(path: "t.policy", text: source))
    let (checked, bag) = Checker.check(loaded)
    guard let checked else { return "error: " + bag.items.map(\.message).joined(separator: "; ") }
    let (program, _) = Program.plan(checked, asOf: CivilDate(year: 2026, month: 11, day: 22)!)
    guard let program else { return "plan error" }
    var table = CustomerTable(fieldCount: 5)
    table.append([.text("A"), .number(ExactDecimal("120.50")!), .number(ExactDecimal(3)), .none, .text("Ann")], line: 2)
    var evaluator = Evaluator(program, table: table, aggregates: AggregateResults(count: program.aggregates.count))
    let value = evaluator.letValue(0, row: 0)
    if case .none = value { return "none" }
    return program.formatter.text(value, as: checked.lets[0].value.type)
}

struct EvaluatorTests {
    @Test(arguments: [
        ("0.1 + 0.2", "0.3"),
        ("0.1 + 0.2 = 0.3", "true"),
        ("19.99 * 3", "59.97"),
        ("spend * 15%", "18.08"),
        ("spend / 4", "30.13"),
        ("1 / 3", "0.333333333333333333"),
        ("orders / 0", "none"),
        ("7 / 2", "3.5"),
        ("15% + 5%", "20%"),
        ("-orders", "-3"),
        ("round(2.5, 0)", "3"),
        ("round(-2.5, 0)", "-3"),
        ("abs(-4.25)", "4.25"),
        ("min(orders, 2)", "2"),
        ("max(spend, 1000)", "1000.00"),
        ("birthday + 1 day", "none"),
        ("birthday is none", "true"),
        ("birthday = 2026-11-22", "none"),
        ("birthday ?? 2000-01-01", "2000-01-01"),
        ("days_since(2026-11-01)", "21"),
        ("days_until(2026-12-25)", "33"),
        ("next_anniversary(2000-02-29)", "2027-02-28"),
        ("next_anniversary(1990-11-22)", "2026-11-22"),
        ("weekday(2026-11-22)", "7"),
        ("year(today)", "2026"),
        ("2026-01-31 + 1 month", "2026-02-28"),
        ("2026-11-22 - 2 weeks", "2026-11-08"),
        ("2026-11-22 - 2026-01-01", "325"),
        ("false and birthday = today", "false"),
        ("true or birthday = today", "true"),
        ("true and birthday = today", "none"),
        ("not (birthday = today)", "none"),
        ("orders between 3 and 5", "true"),
        ("orders in [1, 2, 3]", "true"),
        ("orders not in [1, 2, 3]", "false"),
        ("lower(\"ÄBC\")", "äbc"),
        ("upper(name)", "ANN"),
        ("length(\"消费金额\")", "4"),
        ("contains(name, \"nn\")", "true"),
        ("starts_with(name, \"B\")", "false"),
        ("ends_with(name, \"n\")", "true"),
        ("\"{name} spent {spend} on {orders} orders, {birthday}.\"", "Ann spent 120.50 on 3 orders, ."),
        ("\"rate {15%}, braces {{x}}\"", "rate 15%, braces {x}"),
        ("\"{name ?? \"friend\"}\"", "Ann"),
        ("99999999999999999999 + 1", "100000000000000000000"),
        ("9223372036854775807 * 10", "92233720368547758070"),
        ("if orders > 2 then \"many\" else \"few\"", "many"),
        ("if orders > 5 then \"many\" else \"few\"", "few"),
        ("if birthday = today then 1 else 2", "2"),
        ("if orders = 3 then none else spend", "none"),
        ("if orders = 0 then none else spend", "120.50"),
        ("if orders > 2 then 1 else 2.5", "1"),
        ("(if orders > 2 then 10 else 0) + 1", "11"),
        ("if true then orders / 0 else 1", "none"),
        ("if false then orders / 0 else 1", "1"),
    ])
    func expressions(expression: String, expected: String) {
        #expect(evaluate(expression) == expected)
    }
}

struct AggregateTests {
    static func numbers(_ xs: [Int?]) -> [Value] { xs.map { $0.map { .number(ExactDecimal($0)) } ?? .none } }
    static func text(_ vs: [Value]) -> [String] { vs.map { if case .number(let n) = $0 { n.description } else { "none" } } }

    @Test func percentRankIsSQLs() {
        // Ties share the lower rank; none gets none; n - 1 in the denominator.
        #expect(Self.text(Aggregates.percentRanks(Self.numbers([30, 10, nil, 20, 20, 50])).values) == ["0.75", "0", "none", "0.25", "0.25", "1"])
        #expect(Self.text(Aggregates.percentRanks(Self.numbers([7])).values) == ["0"])
        #expect(Self.text(Aggregates.percentRanks(Self.numbers([nil])).values) == ["none"])
    }

    @Test func cumeDistIsSQLsOverTheCustomersWithAValue() {
        // Ties all count up to their last member; none gets none and is not counted.
        let sorted = Aggregates.sortedRows(Self.numbers([30, 10, nil, 20, 20, 50]))
        #expect(Self.text(Aggregates.cumeDists(sorted, count: 6).values) == ["0.8", "0.2", "none", "0.6", "0.6", "1"])
        #expect(Self.text(Aggregates.cumeDists(Aggregates.sortedRows(Self.numbers([nil, 4])), count: 2).values) == ["none", "1"])
    }

    @Test func cumulativeShareCountsEveryCustomerAtOrAboveOne() {
        // 30 holds 30% of 100; the three 20s tie, so each holds the 90% they make with 30.
        #expect(Self.text(Aggregates.cumulativeShares(Self.numbers([30, 10, nil, 20, 20, 20])).values)
                == ["0.3", "1", "none", "0.9", "0.9", "0.9"])
        // The top customer alone, and a share that does not end (rounded as any division is).
        #expect(Self.text(Aggregates.cumulativeShares(Self.numbers([1, 2])).values) == ["1", "0.666666666666666667"])
        // A share of nothing is none.
        #expect(Self.text(Aggregates.cumulativeShares(Self.numbers([0, 0, nil])).values) == ["none", "none", "none"])
    }

    /// The quick way (integer keys, sums in an `Int64`) gives the general way's shares,
    /// ties, none, negatives and different scales included.
    @Test(arguments: [1, 2, 3])
    func quickSharesAreTheGeneralShares(seed: Int) throws {
        var state = UInt64(seed)
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        let values: [Value] = (0..<3_000).map { _ in
            switch next(10) {
            case 0: .none
            case 1: .number(ExactDecimal(mantissa: Int64(next(200) - 20), scale: 0))
            default: .number(ExactDecimal(mantissa: Int64(next(5_000)), scale: next(3)))
            }
        }
        let quick = try #require(Aggregates.quickCumulativeShares(values))
        #expect(Self.text(quick.values) == Self.text(Aggregates.generalCumulativeShares(values).values))
        // A sum past an Int64 takes the general way.
        #expect(Aggregates.quickCumulativeShares([.number(ExactDecimal(mantissa: .max, scale: 0)), .number(ExactDecimal(1))]) == nil)
    }

    @Test func ntileIsSQLsWithTiesInInputOrder() {
        #expect(Self.text(Aggregates.ntiles(Self.numbers([5, 1, 5, 5, 2, 9, nil]), buckets: 4).values) == ["2", "1", "2", "3", "1", "4", "none"])
        #expect(Self.text(Aggregates.ntiles(Self.numbers([1, 2]), buckets: 5).values) == ["1", "2"])
    }

    /// The integer-key sort must give exactly the order (and ties) of the general sort.
    @Test(arguments: [1, 2, 3, 4, 5])
    func fastSortMatchesTheGeneralSort(seed: Int) {
        var state = UInt64(seed)
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        let numbers: [Value] = (0..<500).map { _ in
            if next(10) == 0 { return .none }
            // Mixed scales and many ties: 12, 12.0, 12.00 are one value.
            return .number(ExactDecimal(mantissa: Int64(next(40) - 20) * [1, 10, 100][next(3)], scale: next(3)))
        }
        let dates: [Value] = (0..<300).map { _ in next(8) == 0 ? .none : .date(CivilDate(daysSinceEpoch: Int32(next(50)))) }
        // A wide range of keys, so that the sort works through every byte.
        let wide: [Value] = (0..<2000).map { _ in
            let magnitude = Int64(next(1 << 30)) << Int64(next(33))
            return .number(ExactDecimal(mantissa: next(2) == 0 ? magnitude : -magnitude, scale: 0))
        }
        for values in [numbers, dates, wide] {
            guard let fast = Aggregates.sortedByIntegerKeys(values) else { Issue.record("fast path not taken"); continue }
            var rows = values.indices.filter { !values[$0].isNone }
            rows.sort { a, b in
                let c = Value.compare(values[a], values[b]) ?? 0
                return c != 0 ? c < 0 : a < b
            }
            let tied = rows.indices.map { $0 > 0 && Value.compare(values[rows[$0 - 1]], values[rows[$0]]) == 0 }
            #expect(fast.rows.map { Int($0) } == rows)
            #expect(fast.tied == tied)
        }
    }

    /// A ranking by a number field reads the column directly: same order as the values'.
    @Test(arguments: [1, 2, 3])
    func columnSortMatchesTheValueSort(seed: Int) {
        var state = UInt64(seed)
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        var table = CustomerTable(types: [.text, .decimal])
        var values: [Value] = []
        for i in 0..<3000 {
            let v: Value = next(10) == 0 ? .none
                : .number(ExactDecimal(mantissa: Int64(next(4000) - 2000) * [1, 10, 1_000_000][next(3)], scale: next(4)))
            values.append(v)
            table.append([.text("C\(i)"), v], line: i + 2)
        }
        let fromColumn = Aggregates.sortedByIntegerKeys(slot: 1, of: table)
        #expect(fromColumn?.rows == Aggregates.sortedRows(values).rows)
        #expect(fromColumn?.tied == Aggregates.sortedRows(values).tied)
        #expect(Aggregates.sortedByIntegerKeys(slot: 0, of: table) == nil)
        table.append([.text("W"), .number(ExactDecimal("99999999999999999999999")!)], line: 9999)
        #expect(Aggregates.sortedByIntegerKeys(slot: 1, of: table) == nil)
    }

    @Test func textAndWideValuesTakeTheGeneralPath() {
        let texts: [Value] = [.text("b"), .text("a"), .none, .text("b")]
        #expect(Aggregates.sortedByIntegerKeys(texts) == nil)
        let ranks = Aggregates.percentRanks(texts).values.map { v -> String in if case .number(let n) = v { n.description } else { "none" } }
        #expect(ranks == ["0.5", "0", "none", "0.5"])
        let wide: [Value] = [.number(ExactDecimal("99999999999999999999999")!), .number(ExactDecimal(1))]
        #expect(Aggregates.sortedByIntegerKeys(wide) == nil)
        #expect(Self.text(Aggregates.percentRanks(wide).values) == ["1", "0"])
    }

    @Test func meanMedianSum() {
        let values = Self.numbers([1, 2, nil, 4, 10])
        #expect(Aggregates.mean(values) == .number(ExactDecimal("4.25")!))
        #expect(Aggregates.median(values) == .number(ExactDecimal(3)))
        #expect(Aggregates.median(Self.numbers([3, 1, 2])) == .number(ExactDecimal(2)))
        #expect(Aggregates.sum(values) == .number(ExactDecimal(17)))
        #expect(Aggregates.mean(Self.numbers([nil])) == Value.none)
    }
}
