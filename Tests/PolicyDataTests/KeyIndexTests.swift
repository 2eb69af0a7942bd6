import Testing
import PolicyValues
import PolicySemantics
import PolicyRuntime
@testable import PolicyData

/// The duplicate-key check goes by hashes; it must stay exact when hashes collide,
/// and find duplicates across pieces with the first row in file order winning.
struct KeyIndexTests {
    struct Rows: CellBatch {
        struct Cells: CellSource {
            let text: String
            func withCell<R>(_ column: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
                var t = text
                return t.withUTF8(body)
            }
            func isEmpty(_ column: Int) -> Bool { text.isEmpty }
            func raw(_ column: Int) -> String { text }
        }
        let ids: ArraySlice<String>
        var count: Int { ids.count }
        func cells(_ row: Int) -> Cells { Cells(text: ids[ids.startIndex + row]) }
        func line(_ row: Int) -> Int { ids.startIndex + row + 2 }
        func origin(_ row: Int) -> Int { ids.startIndex + row }
        // No file behind these rows: every place is at its start.
        var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: nil, count: 0) }
        func start(_ row: Int) -> (offset: Int, line: Int) { (0, line(row)) }
        func cellRange(_ row: Int, _ column: Int) -> Range<Int>? { nil }
    }

    @Test(arguments: [(false, 1), (true, 1), (false, 3), (true, 3)])
    func duplicatesAreFoundExactly(everyHashCollides: Bool, pieces: Int) {
        let plan = FieldPlan(spec: FieldSpec(name: "id", type: .text, isKey: true))
        let checks = FieldChecks(file: "c.csv", fields: [plan], columns: [0], keySlot: 0, kept: { _ in true })
        let ids = ["A", "B", "A", "C", "B", "D", "C"]
        let hash: @Sendable (Value) -> Int
        if everyHashCollides { hash = { _ in 42 } } else { hash = { $0.hashValue } }
        let size = (ids.count + pieces - 1) / pieces
        var builders = stride(from: 0, to: ids.count, by: size).map { start in
            var builder = TableBuilder(checks: checks, keep: nil, keyHash: hash)
            builder.add(Rows(ids: ids[start..<min(ids.count, start + size)]))
            return builder
        }
        let offsets = Array(repeating: 0, count: builders.count)
        let rejects = LoadAssembly.rejects(builders, keys: .unique, lineOffsets: offsets, workers: 2) { _, origin, _ in (ids[origin], nil) }
        let result = LoadAssembly.join(&builders, rejects, lineOffsets: offsets, workers: 2)
        #expect((0..<result.table.count).map { result.table.value(0, $0) } == [.text("A"), .text("B"), .text("C"), .text("D")])
        #expect(result.table.lines == [2, 3, 5, 7])
        #expect(result.rejects.map { "\($0.line) \($0.value) \($0.expected)" } == [
            "4 A a key no earlier row has (line 2 has it)",
            "6 B a key no earlier row has (line 3 has it)",
            "8 C a key no earlier row has (line 5 has it)",
        ])
        #expect(result.rejectedRows == 3)
    }
}
