import Testing
import PolicyValues
import PolicySyntax
import PolicySemantics
@testable import PolicyRuntime

/// The planned program (what `policy run`, `test` and `explain` evaluate) must write
/// exactly what the reference tree evaluator writes: same records, same counts, on
/// a policy that uses every kind of expression and every `resolve` strategy, over
/// customers with empty cells, ties, wide numbers, divisions by zero and values
/// that overflow.
struct ProgramTests {
    static let source = """
    customer {
      id text key
      name text
      spend money
      orders int
      last date?
      birthday date?
      rate number?
      score int?
      vip bool?
      channel text?
      term duration?
    }
    let rank = percent_rank(spend)
    let bucket = ntile(orders, 4)
    let average = mean(spend)
    let inactive = days_since(last)
    let per_order = spend / orders
    let bonus = (rate ?? 0) * spend + score
    segment tier {
      Gold when rank >= 80% or spend > average * 3
      Silver when rank between 25% and 0.8 or bucket = 4
      Bronze when spend >= 0
    }
    segment mood { Happy when score >= 4  Unhappy when score <= 2 }
    rule "Loyal" when tier in [Gold, Silver] and orders >= 3 then discount 15%, points orders * 10, points score
    rule "Quiet" when inactive > 30 and not (vip ?? false) then alert quiet "{name}: {inactive} days, {spend}, {rank}, {tier}, {last}"
    rule "Busy" when orders >= 5 or per_order > 100 then discount per_order, contact email "thanks" within 2 days
    rule "Birthday" when days_until(next_anniversary(birthday)) between 0 and 7 and channel != "none"
      then contact channel "birthday" within 1 month, gift "{upper(name)} box"
    rule "Bonus" when bonus is not none and bonus > 0 then points bonus, tag "bonus {bonus}"
    rule "Terms" when term is not none then credit term
    rule "Names" when contains(lower(name), "a") and length(name) > 3 and starts_with(name, "A") = false
      then tag "{name} {year(last)}-{month(last)}-{day(last)} {weekday(last)}"
    rule "Rank" when rank < 0.5 and rank * 100 >= 10 and -orders < -1 then alert ranked severity low "{rank * 100}"
    rule "Dated" when last + 30 days < today and last - 1 month > 2020-01-01 and today - last >= 0
      then contact email "late" within term
    let scored = ntile(if orders = 0 then none else spend, 5)
    rule "Scored" when (if vip then scored >= 3 else scored = 5) then points if score > 3 then 50 else 10, tag "{if vip then "vip" else "guest"} {scored}"
    """

    /// A deterministic table of customers exercising the edge cases.
    static func table(for program: Program, count: Int) -> CustomerTable {
        var table = CustomerTable(types: program.fields.map(\.columnType))
        var state: UInt64 = 7
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        let names = ["Ann", "Bo Chen", "Carla, Díaz", "Adam \"Ace\"", "王伟", "=SUM(A1)", "Lea"]
        let channels: [Value] = [.none, .text("email"), .text("sms"), .text("none")]
        let terms: [Value] = [.none, .duration(Duration(amount: 30, unit: .day)), .duration(Duration(amount: 2, unit: .month))]
        for i in 0..<count {
            let spend: ExactDecimal = switch next(20) {
            case 0: ExactDecimal(mantissa: Int64.max / 3, scale: 2)          // overflows when multiplied
            case 1: ExactDecimal(mantissa: 12_345, scale: 30)                 // too fine for a rank comparison
            case 2: ExactDecimal.zero
            case 3: ExactDecimal(mantissa: Int64(next(1000)), scale: 0)       // ties
            default: ExactDecimal(mantissa: Int64(next(2_000_000)), scale: next(3))
            }
            let date: (Int) -> Value = { n in n == 0 ? .none : .date(CivilDate(daysSinceEpoch: Int32(18_000 + next(2_500)))) }
            table.append([
                .text("C\(i)"), .text(names[next(names.count)]), .number(spend),
                .number(ExactDecimal(next(8))),                               // zero orders: a division by zero
                date(next(6)), date(next(3)),
                next(4) == 0 ? .none : .number(ExactDecimal(mantissa: Int64(next(300)), scale: 3)),
                next(3) == 0 ? .none : .number(ExactDecimal(next(6))),
                [.none, .bool(true), .bool(false)][next(3)],
                channels[next(channels.count)], terms[next(terms.count)],
            ], line: i + 2)
        }
        return table
    }

    /// Rules giving actions that other rules give too.
    static let moreRules = """

    rule "Extra" when orders >= 2 then discount 10%, discount spend / 10, points 25, contact sms "hi" within 1 week
    rule "More" when spend > 100 then discount 12%, points orders, credit 45 days, contact email "more"
    rule "Long" when orders >= 4 then credit 2 months, credit term
    """

    /// Every strategy.
    static let resolutions = moreRules + """

    resolve discount by best
    resolve points by sum max 60
    resolve contact by first per channel
    resolve credit by best
    """

    static func plan(_ source: String) throws -> Program {
        let (loaded, _) = PolicyLoader.load(SourceFile(path: "p.policy", text: source))
        let (checked, bag) = Checker.check(loaded)
        let policy = try #require(checked, "\(bag.sorted.map(\.message))")
        return try #require(Program.plan(policy, asOf: CivilDate(year: 2026, month: 11, day: 22)!).0)
    }

    /// The program's output, and the reference's, as `field|field|...` lines; the
    /// records not written follow, with their reason, after a `--` line, then the
    /// history records after another.
    static func outputs(_ source: String, count: Int) throws -> (program: [UInt8], reference: [UInt8], RunStatistics, referenceDivisions: Int) {
        let program = try plan(source)
        let table = table(for: program, count: count)
        let (aggregates, divisions) = AggregateResults.compute(program: program, table: table)
        var bytes: [UInt8] = []
        let side = Collected()
        var statistics = PolicyRun.evaluateInChunks(program, on: table, aggregates: aggregates, workers: 1, chunkSize: 97,
                                                    encoder: BarSeparated(), side: side.outputs) { bytes += $0 }
        bytes += Array("--\n".utf8) + side.suppressed + Array("--\n".utf8) + side.history
        statistics.divisionsByZero += divisions
        var reference = ReferenceEvaluator(policy: program.policy, asOf: program.asOf, table: table, aggregates: aggregates)
        var expected = OutputBytes(), notWritten = OutputBytes(), history = OutputBytes()
        for row in 0..<table.count {
            let (kept, suppressed) = reference.records(row: row)
            for record in kept { BarSeparated().encode(record.fields, into: &expected) }
            for (record, reason) in suppressed { BarSeparated().encode(record.fields + [reason], into: &notWritten) }
            for record in kept where record.kind != nil { BarSeparated().encode(record.fields + [program.asOf.iso, ""], into: &history) }
        }
        expected.append(Array("--\n".utf8))
        expected.append(notWritten)
        expected.append(Array("--\n".utf8))
        expected.append(history)
        return (bytes, expected.bytes(), statistics, reference.divisionsByZero + divisions)
    }

    static func compare(_ program: [UInt8], _ reference: [UInt8]) {
        guard program != reference else { return }
        let a = String(decoding: reference, as: UTF8.self).split(separator: "\n")
        let b = String(decoding: program, as: UTF8.self).split(separator: "\n")
        let first = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
        Issue.record("first difference at record \(first): reference \(a.dropFirst(first).first ?? "-"), program \(b.dropFirst(first).first ?? "-")")
    }

    @Test func writesWhatTheReferenceWrites() throws {
        let (program, reference, statistics, divisions) = try Self.outputs(Self.source, count: 3000)
        #expect(reference.count > 100_000)
        Self.compare(program, reference)
        #expect(statistics.divisionsByZero == divisions)
        #expect(statistics.divisionsByZero > 0)
        #expect(statistics.skippedNoValue > 0)
    }

    @Test func resolvesAsTheReferenceResolves() throws {
        let (program, reference, _, _) = try Self.outputs(Self.source + Self.resolutions, count: 3000)
        let (unresolved, _, _, _) = try Self.outputs(Self.source + Self.moreRules, count: 3000)
        #expect(reference.count > 100_000)
        let written = { (bytes: [UInt8]) in String(decoding: bytes, as: UTF8.self).components(separatedBy: "\n--\n")[0] }
        #expect(written(program).count < written(unresolved).count, "resolve drops records")
        Self.compare(program, reference)
    }

    /// `policy test` and `explain` read the very records `policy run` writes.
    @Test func outcomesAreTheRecordsRunWrites() throws {
        let program = try Self.plan(Self.source + Self.resolutions)
        let table = Self.table(for: program, count: 500)
        let (aggregates, _) = AggregateResults.compute(program: program, table: table)
        var written: [UInt8] = []
        _ = PolicyRun.evaluateInChunks(program, on: table, aggregates: aggregates, workers: 1, encoder: BarSeparated()) { written += $0 }
        var evaluator = Evaluator(program, table: table, aggregates: aggregates)
        var fromOutcomes = OutputBytes()
        var dropped = 0
        for row in 0..<table.count {
            let outcome = evaluator.outcome(row: row)
            for record in outcome.records { BarSeparated().encode(record.fields, into: &fromOutcomes) }
            dropped += outcome.suppressed.count
        }
        #expect(fromOutcomes.bytes() == written)
        #expect(dropped > 0)
    }

    /// Money written into a message in place must read as the general formatting.
    @Test func moneyInPlaceIsTheFormattedDecimal() {
        var state: UInt64 = 11
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        var written = 0
        for i in 0..<20_000 {
            let mantissa: Int64 = switch i % 4 {
            case 0: Int64(next(1000)) - 500
            case 1: Int64(next(Int.max)) * (next(2) == 0 ? 1 : -1)
            case 2: [0, 1, -1, 5, -5, 99, -99, Int64.max, Int64.min, Int64.max / 10, Int64.min / 100][next(11)]
            default: Int64(next(100_000_000))
            }
            let scale = Int8(next(5)) - 1
            let scalar = Scalar.decimal(mantissa, scale: scale)
            var text: [UInt8] = []
            guard scalar.appendMoney(into: &text) else { continue }
            written += 1
            let expected = ExactDecimal(mantissa: mantissa, scale: Int(scale)).formatted(fractionDigits: 2)
            #expect(String(decoding: text, as: UTF8.self) == expected, "\(mantissa) / 10^\(scale)")
        }
        #expect(written > 10_000)
    }

    /// Ranks are compared as fractions; that must order exactly as their decimals do.
    @Test func ranksOrderAsTheirDecimals() {
        var state: UInt64 = 3
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        let denominators: [Int32] = [1, 2, 3, 7, 9, 20, 999_999, 1_000_000, Int32.max - 1]
        var decided = 0
        for _ in 0..<20_000 {
            let q = denominators[next(denominators.count)]
            let p = Int32(next(Int(q) + 1))
            let scale = next(19)
            let m: Int64 = switch next(4) {
            case 0: Int64(q).dividingFullWidth(Int64(p).multipliedFullWidth(by: ExactDecimal.powersOfTen[scale])).quotient // near the rank
            case 1: Int64(next(101)) * ExactDecimal.powersOfTen[max(0, scale - 2)]
            case 2: -Int64(next(1000))
            default: Int64(next(Int(Int32.max)))
            }
            let ratio = Scalar.ratio(p, over: q), decimal = Scalar.decimal(m, scale: Int8(scale))
            if let fast = Evaluator.orderRatio(ratio, decimal) {
                decided += 1
                #expect(fast == Value.compare(ratio.inlineValue, decimal.inlineValue), "\(p)/\(q) against \(m)e-\(scale)")
            }
            let other = Scalar.ratio(Int32(next(Int(q) + 1)), over: q)
            #expect(Evaluator.orderRatios(ratio, other) == Value.compare(ratio.inlineValue, other.inlineValue))
            let third = Scalar.ratio(Int32(next(1001)), over: 1000)
            if let fast = Evaluator.orderRatios(ratio, third) {
                #expect(fast == Value.compare(ratio.inlineValue, third.inlineValue))
            }
        }
        #expect(decided > 5_000)
    }
}

/// The records not written and the history records of a run, collected.
final class Collected: @unchecked Sendable {
    var suppressed: [UInt8] = []
    var history: [UInt8] = []

    var outputs: SideOutputs {
        SideOutputs(suppressed: BarSeparated(), emitSuppressed: { self.suppressed += $0 },
                    history: BarSeparated(), emitHistory: { self.history += $0 })
    }
}
