import Testing
import PolicyValues
import PolicySemantics
import PolicyRuntime
@testable import PolicyData

/// Reading a file in pieces on several threads gives exactly what one reading in
/// file order gives: every cell, line and reject, in the same order.
struct CustomerLoaderTests {
    func load(_ text: String, workers: Int, pieceSize: Int? = nil, keep: Set<Int>? = LoadFixture.keep) throws -> [String] {
        let file = CustomerFile(name: "c.csv", bytes: Array(text.utf8), format: .csv)
        let result = try CustomerLoader.load(file, fields: LoadFixture.fields, keySlot: 0, keep: keep,
                                             workers: workers, pieceSize: pieceSize)
        return LoadFixture.dump(result, slots: LoadFixture.fields.count)
    }

    func reference(_ text: String, keep: Set<Int>? = LoadFixture.keep) throws -> [String] {
        let file = CustomerFile(name: "c.csv", bytes: Array(text.utf8), format: .csv)
        let result = try LoadFixture.reference(file, fields: LoadFixture.fields, keySlot: 0, keep: keep)
        return LoadFixture.dump(result, slots: LoadFixture.fields.count)
    }

    @Test(arguments: [(1, nil), (2, 64), (3, 257), (4, 4096), (2, 1)] as [(Int, Int?)])
    func piecesReadLikeOneReading(workers: Int, pieceSize: Int?) throws {
        for (seed, lineEnd) in [(1, "\n"), (2, "\r\n"), (3, "\n")] as [(UInt64, String)] {
            let text = LoadFixture.csv(rows: 1500, seed: seed, lineEnd: lineEnd)
            let expected = try reference(text)
            // The data must hold what the test is about.
            #expect(expected.contains { $0.contains("[E") && $0.contains("a key no earlier row has") })
            #expect(expected.contains { $0.contains("cells, but the header has") })
            #expect(try load(text, workers: workers, pieceSize: pieceSize) == expected)
        }
    }

    /// Numbers and dates the policy does not read are still checked cell by cell, and
    /// blank cells of required fields are rejected: the same rejects whether a field is
    /// kept or not, in CSV, JSON and JSON Lines alike. A cell is blank when nothing is
    /// left after trimming spaces, tabs and line ends, however they are written (a
    /// quoted line end in CSV, the escape `"\n"` in JSON).
    @Test(arguments: [InputFormat.csv, .json, .jsonl])
    func sameRejectsWhetherAFieldIsKeptOrNot(format: InputFormat) throws {
        let rows = LoadFixture.records(rows: 800, seed: 5)
        let bytes = Array(LoadFixture.render(rows, as: format).utf8)
        func load(keep: Set<Int>?, workers: Int = 1, pieceSize: Int? = nil) throws -> [String] {
            let file = CustomerFile(name: "c.\(format.rawValue)", bytes: bytes, format: format)
            let result = try CustomerLoader.load(file, fields: LoadFixture.fields, keySlot: 0, keep: keep,
                                                 workers: workers, pieceSize: pieceSize)
            return LoadFixture.dump(result, slots: LoadFixture.fields.count)
        }
        let keep: Set<Int> = [0, 1, 5]
        let expected = try load(keep: keep)
        #expect(expected.contains { $0.contains("spend") && $0.contains("[E") })
        #expect(expected.contains { $0.contains("joined") && $0.contains("[E") })
        // `tag` is required and read by no rule: its blank cells are rejected all the same.
        let blankTags = rows.filter { $0[7].map { LoadFixture.blanks.contains($0) } ?? true }.map { $0[0] ?? "" }
        let tagRejects = expected.filter { $0.contains(" | tag | ") && $0.contains("[E0503]") }
        #expect(blankTags.count > 20 && tagRejects.count == blankTags.count)
        if format == .csv {
            #expect(try load(keep: keep, workers: 2, pieceSize: 500) == expected)
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(expected == (try reference(text, keep: keep)))
        }
        // The same rows are rejected as when every field is kept.
        let all = try load(keep: nil)
        #expect(all.filter { $0.contains("[E") } == expected.filter { $0.contains("[E") })
        #expect(all.last == expected.last)
    }

    /// ASCII keys get a cheap hash; others keep Swift's, so keys that are equal as
    /// Unicode text (é composed or not) are still found to repeat.
    @Test func keysEqualAsUnicodeTextAreDuplicates() throws {
        let text = LoadFixture.header + "\nZo\u{EB},Ann,1,,,gold,,t\nZoe\u{308},Bo,2,,,gold,,t\nC1,Cy,3,,,gold,,t\nC1,Di,4,,,gold,,t\n"
        let lines = try load(text, workers: 1)
        #expect(lines.filter { $0.contains("a key no earlier row has (line 2 has it)") }.count == 1)
        #expect(lines.filter { $0.contains("a key no earlier row has (line 4 has it)") }.count == 1)
        #expect(CustomerLoader.asciiHash(UnsafeBufferPointer(start: nil, count: 0)) != nil)
        #expect(Array("Zo\u{EB}".utf8).withUnsafeBufferPointer(CustomerLoader.asciiHash) == nil)
    }

    @Test(arguments: [nil, 64, 1000] as [Int?])
    func aQuoteThatNeverClosesStopsTheFileAtTheSamePlace(pieceSize: Int?) throws {
        let text = LoadFixture.csv(rows: 300, seed: 7) + "C900,\"never closes,1,,,gold,,t\n"
            + (0..<300).map { "D\($0),Ann,1,,,gold,,t\n" }.joined()
        let expected = try reference(text)
        #expect(expected.contains { $0.contains("unterminated quoted field starting here") })
        #expect(try load(text, workers: 3, pieceSize: pieceSize) == expected)
    }

    @Test func everySlotKeptOrOnlyTheKey() throws {
        let text = LoadFixture.csv(rows: 800, seed: 11)
        #expect(try load(text, workers: 2, pieceSize: 100, keep: nil) == reference(text, keep: nil))
        #expect(try load(text, workers: 2, pieceSize: 100, keep: [0]) == reference(text, keep: [0]))
    }

    @Test func aFileWithNoRowsOrOnlyBadOnes() throws {
        for text in [LoadFixture.header, LoadFixture.header + "\n", LoadFixture.header + "\n\n\nx,y\n", LoadFixture.header + "\n\"open"] {
            #expect(try load(text, workers: 2, pieceSize: 2) == reference(text))
        }
    }

    @Test func aDuplicateInALaterPieceNamesTheFirstRow() throws {
        let text = LoadFixture.header + "\nA,Ann,1,,,gold,,t\nB,Bo,1,,,gold,,t\nA,Al,1,,,gold,,t\nB,Bea,x,,,gold,,t\nB,Bi,1,,,gold,,t\n"
        let lines = try load(text, workers: 2, pieceSize: 1)
        #expect(lines.filter { $0.contains("[E") }.map { $0.components(separatedBy: " | ").prefix(7).joined(separator: " | ") } == [
            "c.csv | 4 | 1 | A | id | A | a key no earlier row has (line 2 has it) [E0506] @4:1",
            "c.csv | 5 | 3 | B | spend | x | an amount of money, such as 1,234.50 [E0502] @5:7",
            "c.csv | 6 | 1 | B | id | B | a key no earlier row has (line 3 has it) [E0506] @6:1",
        ])
        #expect(lines == (try reference(text)))
    }
}

/// Dates in a pattern (with a time of day) are read straight into the column, or only
/// checked when not kept: the same values and rejects as the cell-by-cell reading.
struct PatternDateLoadTests {
    static let fields: [FieldPlan] = [
        FieldPlan(spec: FieldSpec(name: "id", type: .text, isKey: true)),
        FieldPlan(spec: FieldSpec(name: "placed", type: .date, datePattern: "yyyy-MM-dd HH:mm:ss"),
                  pattern: DatePattern("yyyy-MM-dd HH:mm:ss")),
        FieldPlan(spec: FieldSpec(name: "paid", type: .date, optional: true, datePattern: "dd/MM/yyyy"), pattern: DatePattern("dd/MM/yyyy")),
    ]

    @Test(arguments: [nil, [0]] as [Set<Int>?])
    func patternDatesLoadAsTheyReadOneByOne(keep: Set<Int>?) throws {
        let cells = ["2026-11-01 08:26:00", " 2026-11-01 23:59:59 ", "2026-11-01", "2026-02-30 10:00:00", "2026-11-01 24:00:00",
                     "", "2026-11-01T08:26:00", "\"2026-11-01 08:26:00\""]
        let paid = ["01/11/2026", "", "31/02/2026", "1/11/2026", "x"]
        var text = "id,placed,paid\n"
        for i in 0..<400 { text += "C\(i),\(cells[i % cells.count]),\(paid[(i / 3) % paid.count])\n" }
        let file = CustomerFile(name: "p.csv", bytes: Array(text.utf8), format: .csv)
        let loaded = try CustomerLoader.load(file, fields: Self.fields, keySlot: 0, keep: keep, workers: 2, pieceSize: 512)
        let expected = try LoadFixture.reference(file, fields: Self.fields, keySlot: 0, keep: keep)
        #expect(LoadFixture.dump(loaded, slots: 3) == LoadFixture.dump(expected, slots: 3))
        #expect(loaded.rejectedRows > 0 && loaded.table.count > 0)
    }
}
