import Testing
import PolicySemantics
import PolicyRuntime
@testable import PolicyData

/// The duplicate-key check stores hashes; it must stay exact when hashes collide.
struct KeyIndexTests {
    struct Cells: CellSource {
        let texts: [String]
        func withCell<R>(_ column: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
            var t = texts[column]
            return t.withUTF8(body)
        }
        func isEmpty(_ column: Int) -> Bool { texts[column].isEmpty }
        func raw(_ column: Int) -> String { texts[column] }
    }

    @Test(arguments: [false, true])
    func duplicatesAreFoundExactly(everyHashCollides: Bool) {
        let plan = FieldPlan(spec: FieldSpec(name: "id", type: .text, isKey: true))
        var builder = RowBuilder(file: "c.csv", fields: [plan], columns: [0], keySlot: 0)
        if everyHashCollides { builder.keyHash = { _ in 42 } }
        for (line, id) in ["A", "B", "A", "C", "B", "D", "C"].enumerated() {
            builder.add(line: line + 2, cells: Cells(texts: [id]))
        }
        #expect((0..<builder.table.count).map { builder.table.value(0, $0) } == [.text("A"), .text("B"), .text("C"), .text("D")])
        #expect(builder.rejects.map { "\($0.line) \($0.value) \($0.expected)" } == [
            "4 A a key no earlier row has (line 2 has it)",
            "6 B a key no earlier row has (line 3 has it)",
            "8 C a key no earlier row has (line 5 has it)",
        ])
    }
}
