import Testing
import PolicyValues
import PolicySyntax
@testable import PolicyData

/// Reading the history of earlier runs: what is kept, what is replaced, and where a
/// file that is not a history goes wrong.
struct ActionHistoryTests {
    static let header = "customer_id,rule,action,value,channel,due,severity,message,as_of,occasion\n"
    static let day = CivilDate(year: 2026, month: 11, day: 22)!

    static func read(_ text: String) throws(DataError) -> ActionHistory {
        try ActionHistory.parse(Array(text.utf8), path: "h.csv", asOf: day)
    }

    @Test func recordsOfTheRunsOwnDateAreLeftOutToBeReplaced() throws {
        let history = try Self.read(Self.header + """
            A,Hello,contact,hi,email,2026-11-20,,,2026-11-20,
            A,Hello,contact,hi,email,2026-11-22,,,2026-11-22,
            "B, Inc",Hello,contact,hi,sms,2026-11-21,,"line one
            line two",2026-11-21,

            """)
        #expect(history.records.map { $0[0] } == ["A", "B, Inc"])
        #expect(history.records[1][7] == "line one\nline two")
        #expect(history.replaced == 1)
    }

    @Test func anEmptyFileIsAnEmptyHistory() throws {
        #expect(try Self.read("").records.isEmpty)
        #expect(try Self.read(Self.header).records.isEmpty)
    }

    @Test(arguments: [
        ("customer_id,rule\nA,x\n", "h.csv:1:1: error: the history's header is `customer_id,rule` [E0516]"),
        (header + "A,Hello,contact,hi\n", "h.csv:2:1: error: the record has 4 cells, but a history record has 10 [E0516]"),
        (header + "A,Hello,contact,hi,email,2026-11-20,,,2026-11-31,\n",
         "h.csv:2:39: error: `as_of` is `2026-11-31`, expected a date written YYYY-MM-DD [E0516]"),
        (header + ",Hello,contact,hi,email,2026-11-20,,,2026-11-20,\n", "h.csv:2:1: error: the record has no `customer_id` [E0516]"),
        (header + "A,Hello,contact,\"hi\n", "h.csv:2:17: error: the history cannot be read as CSV: unterminated quoted field starting here [E0516]"),
    ])
    func aFileThatIsNotAHistoryIsAnErrorWithItsPlace(text: String, expected: String) {
        do {
            _ = try Self.read(text)
            Issue.record("read without an error")
        } catch {
            let rendered = DiagnosticRenderer(colour: false).render(error.diagnostic)
            #expect(rendered.hasPrefix(expected + "\n"), "\(rendered)")
        }
    }
}
