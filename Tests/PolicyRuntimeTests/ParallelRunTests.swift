import Testing
import PolicyValues
import PolicySyntax
import PolicySemantics
@testable import PolicyRuntime

/// Evaluating in parallel chunks must give exactly the bytes of a single-threaded
/// run, over a table spanning many chunks.
struct ParallelRunTests {
    static let source = """
    customer { id text key  spend money  orders int  last date? }
    let rank = percent_rank(spend)
    segment tier { Gold when rank >= 80%  Silver when spend >= 100  Bronze otherwise }
    rule "Loyal" when tier = Gold and orders >= 3 then discount 15%, points orders * 10
    rule "Quiet" when days_since(last) > 30 then alert quiet "{id}: {days_since(last)} days, {spend}"
    rule "Busy" when orders >= 5 then discount 5%, contact email "thanks" within 2 days
    resolve discount by best
    """

    @Test(arguments: [(1, 7), (2, 7), (2, 64), (4, 1), (3, 1000)])
    func chunkedOutputEqualsSequential(workers: Int, chunkSize: Int) throws {
        let (loaded, _) = PolicyLoader.load(SourceFile(path: "p.policy", text: Self.source))
        let policy = try #require(Checker.check(loaded).0)
        let program = try #require(Program.plan(policy, asOf: CivilDate(year: 2026, month: 11, day: 22)!).0)
        var table = CustomerTable(types: program.fields.map(\.columnType))
        var state: UInt64 = 42
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        for i in 0..<700 {
            let last: Value = next(5) == 0 ? .none : .date(CivilDate(daysSinceEpoch: Int32(20_300 + next(120))))
            table.append([.text("C\(i)"), .number(ExactDecimal(mantissa: Int64(next(50_000)), scale: 2)),
                          .number(ExactDecimal(next(9))), last], line: i + 2)
        }
        let aggregates = AggregateResults.compute(program: program, table: table).0
        var sequential: [UInt8] = []
        let expected = PolicyRun.evaluateInChunks(program, on: table, aggregates: aggregates, workers: 1, chunkSize: table.count,
                                                  encoder: BarSeparated()) { sequential += $0 }
        var parallel: [UInt8] = []
        let statistics = PolicyRun.evaluateInChunks(program, on: table, aggregates: aggregates, workers: workers,
                                                    chunkSize: chunkSize, encoder: BarSeparated()) { parallel += $0 }
        #expect(parallel == sequential)
        #expect(!sequential.isEmpty)
        #expect(statistics.customers == expected.customers)
        #expect(statistics.labelCounts == expected.labelCounts)
        #expect(statistics.actionCounts == expected.actionCounts)
    }
}
