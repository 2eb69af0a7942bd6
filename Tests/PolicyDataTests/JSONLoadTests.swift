import Testing
import PolicyValues
import PolicySemantics
import PolicyRuntime
@testable import PolicyData

/// Loading JSON records against fields: sparse records read a column in the time of
/// its own cells, with the same rows and rejects as reading every row.
struct JSONLoadTests {
    /// id, then k0…k39: optional ints (k7 with an `in` list), and k39 required.
    static let fields: [FieldPlan] = [FieldPlan(spec: FieldSpec(name: "id", type: .text, isKey: true))]
        + (0..<40).map { k in
            let allowed: Set<Value>? = k == 7 ? [.number(ExactDecimal(1))] : nil
            return FieldPlan(spec: FieldSpec(name: "k\(k)", type: .int, optional: k != 39), allowed: allowed)
        }

    /// Each record has the key and one or two keys of its own; some cells are bad.
    static let text: String = (0..<300).map { i in
        let k = i % 40
        let value = i % 17 == 0 ? "\"x\"" : i % 23 == 0 ? "2" : "1"
        return "{\"id\":\"C\(i)\",\"k\(k)\":\(value)\(i % 5 == 0 ? ",\"k39\":3" : "")}\n"
    }.joined()

    func load(keep: Set<Int>?) throws -> [String] {
        let file = CustomerFile(name: "c.jsonl", bytes: Array(Self.text.utf8), format: .jsonl)
        let result = try CustomerLoader.load(file, fields: Self.fields, keySlot: 0, keep: keep)
        return LoadFixture.dump(result, slots: keep == nil ? Self.fields.count : 1)
            .filter { $0.contains("[E") || $0.hasPrefix("rejected") }
    }

    @Test func sparseColumnsGiveTheRejectsOfEveryRowRead() throws {
        let all = try load(keep: nil)
        #expect(all.contains { $0.contains("a whole number") })
        #expect(all.contains { $0.contains("[E0503]") })
        #expect(all.contains { $0.contains("[E0504]") })
        #expect(try load(keep: [0]) == all)
    }

    @Test func theSparseIndexListsTheRowsOfEachColumn() {
        let table = JSONRecords.fromLines(bytes: Array(Self.text.utf8))
        table.records.withUnsafeBufferPointer { records in
            table.cellColumns.withUnsafeBufferPointer { columns in
                let rows = ColumnRows(records, columns, columnCount: table.columns.count)
                for column in table.columns.indices {
                    let expected = table.records.indices.filter { table.columns(of: $0).contains(column) }
                    #expect(Array(rows.rows(column)) == expected)
                }
                #expect(rows.rows(-1).isEmpty && rows.rows(table.columns.count).isEmpty)
            }
        }
    }

    /// A record with a key twice is rejected with the key named; the others load.
    @Test(arguments: [InputFormat.json, .jsonl])
    func aKeyTwiceRejectsItsRecord(format: InputFormat) throws {
        let records = [#"{"id":"C1","n":1}"#, #"{"id":"C2","n":1,"n":2}"#, #"{"id":"C3","a.b":1,"a":{"b":2}}"#, #"{"id":"C4","n":4}"#]
        let text = format == .json ? "[" + records.joined(separator: ",\n") + "]" : records.joined(separator: "\n")
        let fields = [FieldPlan(spec: FieldSpec(name: "id", type: .text, isKey: true)),
                      FieldPlan(spec: FieldSpec(name: "n", type: .int, optional: true))]
        let result = try CustomerLoader.load(CustomerFile(name: "c", bytes: Array(text.utf8), format: format), fields: fields, keySlot: 0)
        #expect(result.table.count == 2)
        #expect(result.rejectedRows == 2)
        // Placed at the key that gives the column its second value.
        #expect(result.rejects.map(\.headline) == [
            "c:2:18: the record has the key `n` twice (customer `C2`) [E0511]",
            "c:3:25: the record gives `a.b` two values (a key with dots and a nested object name the same column) (customer `C3`) [E0511]",
        ])
        #expect(result.rejects.map(\.field) == ["n", "a.b"])
    }
}
