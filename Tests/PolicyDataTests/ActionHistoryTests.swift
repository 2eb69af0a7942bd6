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
        let history = try ActionHistory.read(path, for: Self.program())
        #expect(history.count == 3)
        #expect(history.replaced == 1)
        #expect(!history.index.isEmpty, "the records of a rule with `once` are kept")
        let sink = ByteSink()
        try history.copyEarlierRecords(into: sink)
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

    /// The splitter cuts records however the blocks fall.
    @Test func recordsAreTheSameWhereverABlockEnds() {
        let text = Array((Self.header + "A,x,\"a,\nb\",1\n\"q\"\"\",y\r\nlast").utf8)
        struct Collect: RecordSink {
            var out: [String] = []
            mutating func record(_ raw: UnsafeBufferPointer<UInt8>, line: Int) {
                out.append("\(line):" + String(decoding: raw, as: UTF8.self))
            }
        }
        func records(cuttingAt cuts: [Int]) -> [String] {
            var splitter = RecordSplitter()
            var collect = Collect()
            var start = 0
            for cut in cuts + [text.count] {
                text.withUnsafeBufferPointer { all in
                    splitter.feed(UnsafeBufferPointer(rebasing: all[start..<cut]), &collect)
                }
                start = cut
            }
            splitter.finish(&collect)
            return collect.out
        }
        let whole = records(cuttingAt: [])
        #expect(whole.count == 4)
        #expect(whole[1] == "2:A,x,\"a,\nb\",1")
        #expect(whole[2] == "4:\"q\"\"\",y")
        for cut in 1..<text.count { #expect(records(cuttingAt: [cut]) == whole, "cut at \(cut)") }
    }
}
