import Foundation
import Testing
import PolicyValues
import PolicySyntax
import PolicySemantics
import PolicyRuntime
import PolicyFiles
@testable import PolicyData

/// Reading the history of earlier runs as a stream: what is checked, what is kept,
/// what is replaced, and where a file that is not a history goes wrong.
struct ActionHistoryTests {
    static let header = "customer_id,rule,action,value,channel,due,severity,message,as_of,occasion\n"

    /// A program run on 2026-11-22 whose rule "Hello" reads the history (`once`).
    static func program() throws -> Program {
        let source = "customer { id text key }\nrule \"Hello\" once when true then contact email \"hi\"\n"
        let (loaded, _) = PolicyLoader.load(SourceFile(path: "p.policy", text: source))
        let policy = try #require(Checker.check(loaded).0)
        return try #require(Program.plan(policy, asOf: CivilDate(year: 2026, month: 11, day: 22)!).0)
    }

    /// Reads `text` as a history file.
    static func read(_ text: String) throws -> ActionHistory {
        let path = NSTemporaryDirectory() + "history-\(UUID().uuidString).csv"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try ActionHistory.read(path, for: program())
    }

    @Test func earlierRecordsAreCopiedAsWrittenAndTheRunsOwnDateIsLeftOut() throws {
        let text = Self.header + """
            A,Hello,contact,hi,email,2026-11-20,,,2026-11-20,
            A,Hello,contact,hi,email,2026-11-22,,,2026-11-22,
            "B, Inc",Other,contact,hi,sms,2026-11-21,,"line one\r
            line ""two""\",2026-11-21,

            """
        let path = NSTemporaryDirectory() + "history-\(UUID().uuidString).csv"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let sink = ByteSink()
        let history = try ActionHistory.read(path, for: Self.program(), copyingInto: sink)
        #expect(history.count == 3)
        #expect(history.replaced == 1)
        #expect(!history.index.isEmpty, "the records of a rule with `once` are kept")
        sink.flush()
        #expect(String(decoding: sink.captured, as: UTF8.self) == Self.header + """
            A,Hello,contact,hi,email,2026-11-20,,,2026-11-20,
            "B, Inc",Other,contact,hi,sms,2026-11-21,,"line one\r
            line ""two""\",2026-11-21,

            """)
    }

    @Test func anEmptyOrMissingFileIsAnEmptyHistory() throws {
        #expect(try Self.read("").count == 0)
        #expect(try Self.read(Self.header).count == 0)
        #expect(try ActionHistory.read("/no/such/history.csv", for: Self.program()).count == 0)
    }

    @Test(arguments: [
        ("customer_id,rule\nA,x\n", "h.csv:1:1: error: the history's header is `customer_id,rule` [E0516]"),
        (header + "A,Hello,contact,hi\n", "h.csv:2:1: error: the record has 4 cells, but a history record has 10 [E0516]"),
        (header + "A,Hello,contact,hi,email,2026-11-20,,,2026-11-31,\n",
         "h.csv:2:39: error: `as_of` is `2026-11-31`, expected a date written YYYY-MM-DD [E0516]"),
        (header + ",Hello,contact,hi,email,2026-11-20,,,2026-11-20,\n", "h.csv:2:1: error: the record has no `customer_id` [E0516]"),
        (header + "A,Hello,contact,hi,email,2026-11-20,,,2026-11-20,\nA,Hello,contact,\"hi\n",
         "h.csv:3:1: error: the history cannot be read as CSV: a quoted cell never closes [E0516]"),
    ])
    func aFileThatIsNotAHistoryIsAnErrorWithItsPlace(text: String, expected: String) throws {
        let dir = NSTemporaryDirectory() + "history-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/h.csv"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        do {
            _ = try ActionHistory.read(path, for: Self.program())
            Issue.record("read without an error")
        } catch HistoryError.malformed(let error) {
            let rendered = DiagnosticRenderer(colour: false).render(error.diagnostic)
            #expect(rendered.hasPrefix(dir + "/" + expected + "\n"), "\(rendered)")
        }
    }

    @Test func aMissingOrBlankFileIsCopiedAsAHeaderAndALastRecordGetsItsLineEnd() throws {
        let sink = ByteSink()
        _ = try ActionHistory.read("/no/such/history.csv", for: Self.program(), copyingInto: sink)
        #expect(sink.text == Self.header)
        let (_, blank) = try Self.readWhole("\n\n", blockSize: 1 << 20, quick: true)
        #expect(blank == Self.header)
        let last = Self.header + "A,Hello,contact,hi,email,2026-11-20,,,2026-11-20,"
        #expect(try Self.readWhole(last, blockSize: 1 << 20, quick: true).copy == last + "\n")
    }

    /// A copy is made from the file as it is at the end of the reading: a file written
    /// to meanwhile stops the run rather than be copied as it was not read.
    @Test func aHistoryWrittenToWhileItIsReadIsAnError() throws {
        let path = NSTemporaryDirectory() + "history-\(UUID().uuidString).csv"
        try Data((Self.header + "A,Hello,contact,hi,email,,,,2026-11-20,\n").utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try InputFile.open(path)
        let reading = ActionHistory.Reading(query: HistoryQuery(path: path, program: try Self.program()), copy: ByteSink())
        try reading.finish(file)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data("B,Hello,contact,hi,email,,,,2026-11-21,\n".utf8))
        try handle.close()
        let failure: HistoryError? = {
            do throws(HistoryError) {
                try reading.finish(file)
                return nil
            } catch {
                return error
            }
        }()
        guard case .file(let error)? = failure else {
            Issue.record("not a file error: \(String(describing: failure))")
            return
        }
        #expect(error.message == "cannot read `\(path)`: it changed while it was being read")
        #expect(error.help == "run one `policy run --history` at a time on a history file")
    }

    /// Reads `text` whole, in blocks of `blockSize`, the quick way or not: what was
    /// found (count, replaced, the records kept) and the copy.
    static func readWhole(_ text: String, blockSize: Int, quick: Bool, mapped: Bool = true,
                          program: Program? = nil) throws -> (found: String, copy: String) {
        let path = NSTemporaryDirectory() + "history-\(UUID().uuidString).csv"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let sink = ByteSink()
        let reading = try ActionHistory.reading(path, for: program ?? Self.program(), copyingInto: sink, blockSize: blockSize,
                                                quick: quick, mapped: mapped)
        #expect(quick || reading.total.quickly == 0)
        if quick, reading.total.count > 100 { #expect(reading.total.quickly > reading.total.count / 6, "the quick way is taken") }
        let records = reading.total.records.map { "\($0.customer)|\($0.rule)|\($0.action)|\($0.channel)|\($0.asOf.iso)|\($0.occasion)" }
        return ("\(reading.total.count) \(reading.total.replaced) \(records)", sink.text)
    }

    /// A history with every kind of record: plain, quoted (commas, doubled quotes,
    /// line ends and CRs inside), quoted where the quick way does not go (the
    /// customer, `as_of`), CRLF line ends, blank lines, the run's own date, the
    /// records the program reads, and a last record without a line end.
    static func varied(seed: UInt64, records: Int) -> String {
        var state = seed
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        let messages = ["", "plain words", "\"a, b\"", "\"say \"\"hi\"\"\"", "\"two\nlines\"", "\"cr\r\ninside\"", "\"\"", "é ü 中"]
        var text = header
        for k in 0..<records {
            let customer = next(8) == 0 ? "\"C\(k), Inc\"" : "C\(next(50))"
            let rule = ["Hello", "Other", "Win-back", "\"Hello\""][next(4)]
            let kind = ["contact", "gift", "alert"][next(3)]
            let day = 18 + next(5)
            let asOf = next(20) == 0 ? "\"2026-11-\(day)\"" : "2026-11-\(day)"
            let occasion = next(6) == 0 ? "2026-10-0\(1 + next(9))" : ""
            let end = next(10) == 0 ? "\r\n" : "\n"
            text += "\(customer),\(rule),\(kind),v\(k),email,,low,\(messages[next(messages.count)]),\(asOf),\(occasion)\(end)"
            if next(25) == 0 { text += "\n" }
        }
        text += "C1,Hello,contact,last,email,,,,2026-11-21,"
        return text
    }

    /// The quick way (records found eight and sixteen bytes at a time, blocks read
    /// in two stretches side by side) finds and copies what the general way does,
    /// however the blocks fall.
    @Test func theQuickWayReadsAsTheGeneralWayWhereverBlocksEnd() throws {
        for seed in 1...4 as ClosedRange<UInt64> {
            let text = Self.varied(seed: seed, records: 120)
            let expected = try Self.readWhole(text, blockSize: 1 << 20, quick: false, mapped: false)
            #expect(expected.found.hasPrefix("121 "), "\(expected.found.prefix(20))")
            for blockSize in [5, 64, 100, 333, 1000, 1 << 20] {
                for (quick, mapped) in [(true, true), (true, false), (false, true), (false, false)] {
                    let found = try Self.readWhole(text, blockSize: blockSize, quick: quick, mapped: mapped)
                    let how = "seed \(seed), blocks of \(blockSize), quick \(quick), mapped \(mapped)"
                    #expect(found.found == expected.found, "\(how)")
                    #expect(found.copy == expected.copy, "\(how)")
                }
            }
            // The copy is the file but the run's own date's records (2026-11-22).
            let kept = expected.copy.components(separatedBy: "\n").filter { $0.contains("2026-11-22") && !$0.contains("\"") }
            #expect(kept.isEmpty, "\(kept)")
        }
    }

    /// A malformed record is found, with its line, whichever way and however the blocks fall.
    @Test func aMalformedRecordIsFoundWhereverBlocksEnd() throws {
        let text = Self.varied(seed: 9, records: 60) + "\nA,Hello,contact,hi,email,2026-11-20,,,2026-13-01,\n"
        // The bad record's line: the line ends before it, and one (a CR does not end a line).
        let line = text.utf8.filter { $0 == 0x0A }.count
        for blockSize in [3, 50, 1 << 20] {
            for (quick, mapped) in [(true, true), (false, false)] {
                do {
                    _ = try Self.readWhole(text, blockSize: blockSize, quick: quick, mapped: mapped)
                    Issue.record("read without an error")
                } catch HistoryError.malformed(let error) {
                    let rendered = DiagnosticRenderer(colour: false).render(error.diagnostic)
                    #expect(rendered.contains(".csv:\(line):39: error: `as_of` is `2026-13-01`"), "blocks of \(blockSize), quick \(quick): \(rendered)")
                }
            }
        }
    }

    /// Lines are read sixteen bytes at a time on x86-64, eight elsewhere: both see the same.
    @Test func aLineIsSeenTheSameSixteenOrEightBytesAtATime() {
        var state: UInt64 = 7
        let alphabet = Array("ab,\"\n\r\t\u{0}é ,,".utf8)
        for _ in 0..<3000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let length = Int(state >> 58) + Int((state >> 20) % 40)
            var bytes: [UInt8] = []
            for k in 0..<length {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                bytes.append(k % 3 == 0 ? alphabet[Int(state >> 60) % alphabet.count] : UInt8(0x41 + Int(state >> 59)))
            }
            bytes += [UInt8](repeating: 0, count: 8)
            bytes.withUnsafeBufferPointer { all in
                let wide = LineShape(all.baseAddress!, length), narrow = LineShape(all.baseAddress!, length, wide: false)
                #expect(wide.length == narrow.length && wide.commas == narrow.commas, "\(bytes)")
                #expect(wide.ended == narrow.ended && wide.quotes == narrow.quotes && wide.controls == narrow.controls, "\(bytes)")
                let line = all[0..<length].prefix { $0 != 0x0A }
                #expect(narrow.length == line.count && narrow.ended == (line.count < length))
                #expect(narrow.commas == line.filter { $0 == 0x2C }.count)
                #expect(narrow.quotes == line.contains(0x22) && narrow.controls == line.contains { $0 < 0x20 })
            }
        }
    }
}
