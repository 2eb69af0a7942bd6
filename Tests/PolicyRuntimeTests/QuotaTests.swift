import Testing
import PolicyValues
import PolicySyntax
import PolicySemantics
@testable import PolicyRuntime

/// Quotas and the holdout over many customers: the same on any number of threads,
/// and the holdout exactly the md5 rule of SPEC section 7.
struct QuotaTests {
    static func program(_ source: String) throws -> Program {
        let (loaded, _) = PolicyLoader.load(SourceFile(path: "p.policy", text: source))
        let policy = try #require(Checker.check(loaded).0)
        return try #require(Program.plan(policy, asOf: CivilDate(year: 2026, month: 11, day: 22)!).0)
    }

    /// `count` customers `C0000001`...: spend in cents from a fixed sequence (many ties), some none.
    static func table(_ program: Program, count: Int) -> CustomerTable {
        var table = CustomerTable(types: program.fields.map(\.columnType))
        var state: UInt64 = 7
        for i in 0..<count {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let spend: Value = (state >> 60) == 0 ? .none : .number(ExactDecimal(mantissa: Int64((state >> 33) % 2_000), scale: 1))
            let id = String(i + 1)
            table.append([.text("C" + String(repeating: "0", count: max(0, 7 - id.count)) + id), spend], line: i + 2)
        }
        return table
    }

    static let source = """
    customer { id text key  spend money? }
    rule "Tea set" limit 300 by spend desc when spend >= 20 then gift "tea set"
    rule "Points" budget 50000 by spend when spend > 0 then points spend
    rule "Low" limit 100 by spend asc when true then tag "low"
    rule "Service" when spend < 5 then contact email "service"
    holdout 5% seed "2026-h1" except "Service"
    """

    @Test(arguments: [(1, 16_384), (2, 97), (3, 1_000)])
    func quotasAreTheSameOnAnyNumberOfThreads(workers: Int, stretch: Int) throws {
        let program = try Self.program(Self.source)
        let table = Self.table(program, count: 5_000)
        let aggregates = AggregateResults.compute(program: program, table: table).0
        let one = QuotaAdmissions.compute(program, table: table, aggregates: aggregates, workers: 1, stretch: table.count)
        let many = QuotaAdmissions.compute(program, table: table, aggregates: aggregates, workers: workers, stretch: stretch)
        #expect(one == many)
        // The quotas are full: the first two serve exactly their number of customers.
        #expect(one!.servedCount(quota: 0) == 300)
        #expect(one!.servedCount(quota: 2) == 100)

        var sequential: [UInt8] = []
        let expected = PolicyRun.evaluateInChunks(program, on: table, aggregates: aggregates, workers: 1, chunkSize: table.count,
                                                  encoder: BarSeparated()) { sequential += $0 }
        var parallel: [UInt8] = []
        let statistics = PolicyRun.evaluateInChunks(program, on: table, aggregates: aggregates, workers: workers, chunkSize: 333,
                                                    encoder: BarSeparated()) { parallel += $0 }
        #expect(parallel == sequential)
        #expect(statistics.suppressed == expected.suppressed)
    }

    /// The quick way to a quota's candidates (a rule only its condition decides) gives
    /// what the general way gives, which evaluates each customer up to the quotas.
    @Test func theQuickWayToTheCandidatesIsTheGeneralWay() throws {
        let program = try Self.program(Self.source + """

        rule "Big spender" limit 50 by spend desc when spend >= 150 then discount 5%, contact email "thanks"
        rule "Small spender" limit 700 by spend when spend < 170 then discount 3%
        resolve discount by best
        """)
        let table = Self.table(program, count: 3_000)
        let aggregates = AggregateResults.compute(program: program, table: table).0
        let quick = try #require(QuotaAdmissions.compute(program, table: table, aggregates: aggregates, workers: 2, stretch: 500))
        let general = try #require(QuotaAdmissions.compute(program, table: table, aggregates: aggregates, workers: 2, stretch: 500,
                                                           direct: false))
        #expect(quick == general)
        // The rules of both kinds are there: direct ones, and those `resolve` may cut.
        let direct = (0..<program.rules.count).filter { program.quotaIndexes[$0] >= 0 }.map { program.onlyItsConditionDecides($0) }
        #expect(direct.contains(true) && direct.contains(false))
    }

    /// The budget's customers, checked against the definition: the rule's amounts in
    /// descending order of spend (ties in input order) while the running sum stays within.
    @Test func theBudgetIsItsDefinition() throws {
        let program = try Self.program(Self.source)
        let table = Self.table(program, count: 5_000)
        let aggregates = AggregateResults.compute(program: program, table: table).0
        let served = try #require(QuotaAdmissions.compute(program, table: table, aggregates: aggregates))
        let spends = (0..<table.count).compactMap { row -> (row: Int, spend: ExactDecimal)? in
            if case .number(let n) = table.value(1, row), n > .zero { (row, n) } else { nil }
        }
        let ordered = spends.sorted { $0.spend != $1.spend ? $0.spend > $1.spend : $0.row < $1.row }
        var sum = ExactDecimal.zero
        var expected = Set<Int>()
        for (row, spend) in ordered {
            sum = sum + spend
            if sum > ExactDecimal(50_000) { break }
            expected.insert(row)
        }
        #expect(!expected.isEmpty)
        #expect(Set((0..<table.count).filter { served.serves(quota: 1, row: $0) }) == expected)
    }

    /// On 100,000 customers a 5% holdout holds out 5% within half a point, exactly the
    /// customers the rule names (md5 of seed, "/", key: first 8 hex digits mod 10000 < 500),
    /// on one thread or two.
    @Test func theHoldoutIsTheMD5RuleAndItsShare() throws {
        let program = try Self.program("""
        customer { id text key  spend money? }
        rule "Offer" when true then tag "offer"
        holdout 5% seed "2026-h1"
        """)
        let table = Self.table(program, count: 100_000)
        let aggregates = AggregateResults.compute(program: program, table: table).0
        var outputs: [[UInt8]] = []
        for workers in [1, 2] {
            var bytes: [UInt8] = []
            let statistics = PolicyRun.evaluateInChunks(program, on: table, aggregates: aggregates, workers: workers,
                                                        encoder: BarSeparated()) { bytes += $0 }
            let heldOut = statistics.suppressed[program.suppressionNames.firstIndex(of: "holdout")!]
            #expect(abs(Double(heldOut) / 1_000 - 5) <= 0.5, "\(heldOut) of 100000 held out")
            outputs.append(bytes)
        }
        #expect(outputs[0] == outputs[1])
        // The customers written are exactly those the rule keeps.
        let written = Set(String(decoding: outputs[0], as: UTF8.self).split(separator: "\n").map { String($0.split(separator: "|")[0]) })
        var expected = Set<String>()
        let evaluator = Evaluator(program, table: table, aggregates: aggregates)
        for row in 0..<table.count {
            let id = evaluator.customerID(row)
            let hex = MD5.hex(Array("2026-h1/\(id)".utf8))
            if UInt64(hex.prefix(8), radix: 16)! % 10_000 >= 500 { expected.insert(id) }
        }
        #expect(written == expected)
    }

    @Test func aShareOfAFractionOfAPointRoundsTheThresholdUp() {
        // 2.55% is 255 of 10000; 0.001% is 0.1: only the value 0 falls below it.
        let span = SourceSpan(file: SourceFile(path: "p", text: "x"), start: 0, end: 1)
        #expect(HoldoutSpec(share: ExactDecimal(percent: "2.55")!, seed: "s", except: [], span: span).threshold == 255)
        #expect(HoldoutSpec(share: ExactDecimal(percent: "0.001")!, seed: "s", except: [], span: span).threshold == 1)
        #expect(HoldoutSpec(share: ExactDecimal(percent: "100")!, seed: "s", except: [], span: span).threshold == 10_000)
    }
}

/// `policy diff` counts the same on any number of threads and stretches.
struct PolicyDiffTests {
    @Test(arguments: [(2, 97), (3, 1_000)])
    func theDiffIsTheSameOnAnyNumberOfThreads(workers: Int, stretch: Int) throws {
        let old = try QuotaTests.program(QuotaTests.source)
        let new = try QuotaTests.program(QuotaTests.source.replacingOccurrences(of: "budget 50000", with: "budget 60000")
            .replacingOccurrences(of: "holdout 5%", with: "holdout 10%"))
        let table = QuotaTests.table(new, count: 5_000)
        let oldAggregates = AggregateResults.compute(program: old, table: table).0
        let newAggregates = AggregateResults.compute(program: new, table: table).0
        let one = PolicyDiff.compare(old: old, oldAggregates: oldAggregates, new: new, newAggregates: newAggregates, table: table)
        let many = PolicyDiff.compare(old: old, oldAggregates: oldAggregates, new: new, newAggregates: newAggregates, table: table,
                                      workers: workers, stretch: stretch)
        func summary(_ d: PolicyDiff) -> [String] {
            d.actions.map { "\($0.rule) \($0.kind) +\($0.gained.count) \($0.gained.sample) -\($0.lost.count) \($0.lost.sample)" }
                + ["\(d.old.points) \(d.new.points) \(d.old.percentDiscounts) \(d.new.percentDiscounts)"]
        }
        #expect(summary(one) == summary(many))
        // The holdout's new twentieth loses its tea set (they keep their place in the
        // quota); the larger budget reaches more customers.
        #expect(one.actions.contains { $0.rule == "Tea set" && $0.gained.count == 0 && $0.lost.count > 0 })
        #expect(one.actions.contains { $0.rule == "Points" && $0.gained.count > 0 })
    }
}
