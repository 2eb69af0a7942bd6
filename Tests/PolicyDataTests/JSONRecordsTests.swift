// Exact-output tests of JSON and JSON Lines records.
import Testing
import PolicyData

/// A record as one optional text per column, to compare tables whole.
struct DenseRecord: Equatable {
    var line: Int
    var cells: [String?]
}

/// A raw table with its records spelt out densely.
struct DenseTable: Equatable {
    var columns: [String]
    var records: [DenseRecord]
    var problems: [RecordProblem]
    var columnLines: [Int]

    init(_ raw: RawTable) {
        columns = raw.columns
        records = raw.records.indices.map { DenseRecord(line: raw.records[$0].line, cells: raw.denseCells($0)) }
        // Where a problem is in the bytes is for messages; the loader's tests check it.
        problems = raw.problems.map { problem in
            var bare = problem
            (bare.range, bare.recordStart) = (nil, nil)
            return bare
        }
        columnLines = raw.columnLines
    }

    init(columns: [String], records: [DenseRecord], problems: [RecordProblem], columnLines: [Int]) {
        self.columns = columns
        self.records = records
        self.problems = problems
        self.columnLines = columnLines
    }
}

/// A table; `lines`: where each column is first seen (default: line 1).
func rawTable(_ columns: [String], _ records: [DenseRecord], _ problems: [RecordProblem] = [], lines: [Int]? = nil) -> DenseTable {
    DenseTable(columns: columns, records: records, problems: problems, columnLines: lines ?? columns.map { _ in 1 })
}

struct JSONRecordsCase: Sendable, CustomTestStringConvertible {
    var name: String
    var input: String
    var expected: DenseTable
    var testDescription: String { name }
}

let arrayCases: [JSONRecordsCase] = [
    JSONRecordsCase(name: "flattening and cell text", input: """
        [
          {"id": "C1", "name": "Ann", "age": 30, "vip": true, "note": null},
          {"id": "C2", "address": {"city": "Paris", "geo": {"lat": 48.850}}, "tags": ["a", 1, {"k": null}], "vip": false},
          {"name": "Zoë", "id": "C3"}
        ]
        """,
        expected: rawTable(["id", "name", "age", "vip", "note", "address.city", "address.geo.lat", "tags"], [
            DenseRecord(line: 2, cells: ["C1", "Ann", "30", "true", nil, nil, nil, nil]),
            DenseRecord(line: 3, cells: ["C2", nil, nil, "false", nil, "Paris", "48.850", #"["a",1,{"k":null}]"#]),
            DenseRecord(line: 4, cells: ["C3", "Zoë", nil, nil, nil, nil, nil, nil]),
        ], lines: [2, 2, 2, 2, 2, 3, 3, 3])),
    JSONRecordsCase(name: "non-object elements are problems", input: #"[{"a":1}, 2, "x", null,"# + "\n" + #"[1], true, {"a":2}]"#,
        expected: rawTable(["a"], [DenseRecord(line: 1, cells: ["1"]), DenseRecord(line: 2, cells: ["2"])], [
            RecordProblem(line: 1, message: "element 2 is a number, not an object"),
            RecordProblem(line: 1, message: "element 3 is a string, not an object"),
            RecordProblem(line: 1, message: "element 4 is null, not an object"),
            RecordProblem(line: 2, message: "element 5 is an array, not an object"),
            RecordProblem(line: 2, message: "element 6 is a boolean, not an object"),
        ])),
    JSONRecordsCase(name: "empty array", input: " [ ] \n", expected: rawTable([], [])),
    JSONRecordsCase(name: "empty objects", input: "[{}, {\"a\": {}, \"b\": 1}]",
        expected: rawTable(["b"], [DenseRecord(line: 1, cells: [nil]), DenseRecord(line: 1, cells: ["1"])])),
    JSONRecordsCase(name: "a column named twice: the record is a problem", input: """
        [{"id":1,"a":1,"a":2},
         {"id":2,"x.y":"s","x":{"y":"t"}},
         {"id":3,"p":{"q":1},"p":{"q":2}},
         {"id":4,"n":{"b":1,"c":2},"n.c":3,"only":1},
         {"id":5,"a":{"b":1},"b":{"a":2}},
         {"id":6,"a":null,"a":null}]
        """,
        expected: rawTable(["id", "a.b", "b.a"], [DenseRecord(line: 5, cells: ["5", "1", "2"])], [
            RecordProblem(line: 1, message: "the record has the key `a` twice", kind: .duplicateKey("a")),
            RecordProblem(line: 2, message: "the record gives `x.y` two values (a key with dots and a nested object name the same column)",
                          kind: .duplicateKey("x.y")),
            RecordProblem(line: 3, message: "the record has the key `p.q` twice", kind: .duplicateKey("p.q")),
            RecordProblem(line: 4, message: "the record gives `n.c` two values (a key with dots and a nested object name the same column)",
                          kind: .duplicateKey("n.c")),
            RecordProblem(line: 6, message: "the record has the key `a` twice", kind: .duplicateKey("a")),
        ], lines: [5, 5, 5])),
    JSONRecordsCase(name: "escapes and chinese", input: "\u{FEFF}[{\"名\": \"\\u5F20\\u4F1F\", \"t\": [\"q\\\"\\n\"]}]",
        expected: rawTable(["名", "t"], [DenseRecord(line: 1, cells: ["张伟", #"["q\"\n"]"#])])),
    JSONRecordsCase(name: "record line is where the object starts", input: "[\r\n1,\r\n\r\n  {\"a\":\n\"x\"}]",
        expected: rawTable(["a"], [DenseRecord(line: 4, cells: ["x"])], [RecordProblem(line: 2, message: "element 1 is a number, not an object")], lines: [4])),
]

@Test(arguments: arrayCases)
func jsonArrayLoadsExactly(_ c: JSONRecordsCase) throws {
    #expect(try DenseTable(JSONRecords.fromArray(bytes: Array(c.input.utf8))) == c.expected)
}

@Test(arguments: [
    ("{\"a\": 1}", JSONError(line: 1, column: 1, message: "the top level must be an array of objects, not an object")),
    ("\n  42", JSONError(line: 2, column: 3, message: "the top level must be an array of objects, not a number")),
    ("{\"a\": }", JSONError(line: 1, column: 7, message: "unexpected `}`: expected a value")),
    ("[{\"a\": 1},\n {\"b\": 2},]", JSONError(line: 2, column: 11, message: "trailing comma before `]`")),
    ("[{\"a\": 1} {\"b\": 2}]", JSONError(line: 1, column: 11, message: "expected `,` or `]` after an array element")),
    ("[{\"a\": 1}", JSONError(line: 1, column: 10, message: "unexpected end of input: expected `,` or `]` after an array element")),
    ("[{\"a\": 1}] []", JSONError(line: 1, column: 12, message: "unexpected text after the json value")),
    ("", JSONError(line: 1, column: 1, message: "unexpected end of input: expected a value")),
    ("[" + String(repeating: "[", count: 100_000), JSONError(line: 1, column: 257, message: "nesting is deeper than 256 levels")),
    ("[{\"a\":" + String(repeating: "{\"a\":", count: 100_000), JSONError(line: 1, column: 1_277, message: "nesting is deeper than 256 levels")),
])
func jsonArrayRefusesBadFiles(_ input: String, _ error: JSONError) {
    #expect(throws: error) { try JSONRecords.fromArray(bytes: Array(input.utf8)) }
}

@Test func jsonArrayKeepsTheDepthLimit() throws {
    // Depth 256 counts the top-level array: an element may nest 255 levels.
    let ok = "[" + String(repeating: "{\"a\":", count: 254) + "[]" + String(repeating: "}", count: 254) + "]"
    let loaded = try JSONRecords.fromArray(bytes: Array(ok.utf8))
    #expect(loaded.columns == [Array(repeating: "a", count: 254).joined(separator: ".")])
    #expect(DenseTable(loaded).records == [DenseRecord(line: 1, cells: ["[]"])])
}

let linesCases: [JSONRecordsCase] = [
    JSONRecordsCase(name: "one bad line in the middle", input: """
        {"id":"C1","n":1}

        {"id":"C2", "n": }
        \t 
        {"id":"C3","extra":{"x":"y"}}
        42
        {"id": "C4"
        """,
        expected: rawTable(["id", "n", "extra.x"], [
            DenseRecord(line: 1, cells: ["C1", "1", nil]),
            DenseRecord(line: 5, cells: ["C3", nil, "y"]),
        ], [
            RecordProblem(line: 3, column: 18, message: "unexpected `}`: expected a value"),
            RecordProblem(line: 6, message: "the line holds a number, not an object"),
            RecordProblem(line: 7, column: 12, message: "unexpected end of input: expected `,` or `}` after an object member"),
        ], lines: [1, 1, 5])),
    JSONRecordsCase(name: "bom, crlf and lone cr", input: "\u{FEFF}{\"a\":\"中\"}\r\n\r\n{\"a\":2}\r{\"a\":[1, 2]}\r\n",
        expected: rawTable(["a"], [
            DenseRecord(line: 1, cells: ["中"]),
            DenseRecord(line: 3, cells: ["2"]),
            DenseRecord(line: 4, cells: ["[1,2]"]),
        ])),
    JSONRecordsCase(name: "two values on one line", input: "{\"a\":1} {\"a\":2}\n[]\nnull\n\"s\"\n",
        expected: rawTable([], [], [
            RecordProblem(line: 1, column: 9, message: "unexpected text after the json value"),
            RecordProblem(line: 2, message: "the line holds an array, not an object"),
            RecordProblem(line: 3, message: "the line holds null, not an object"),
            RecordProblem(line: 4, message: "the line holds a string, not an object"),
        ])),
    JSONRecordsCase(name: "a string cannot span lines", input: "{\"a\":\"x\ny\"}\n{\"a\":\"ok\"}",
        expected: rawTable(["a"], [DenseRecord(line: 3, cells: ["ok"])], [
            RecordProblem(line: 1, column: 8, message: "unexpected end of input inside a string"),
            RecordProblem(line: 2, column: 1, message: "unexpected `y`: expected a value"),
        ], lines: [3])),
    JSONRecordsCase(name: "deep line does not stop the others",
        input: String(repeating: "[", count: 100_000) + "\n{\"a\":true}\n",
        expected: rawTable(["a"], [DenseRecord(line: 2, cells: ["true"])], [
            RecordProblem(line: 1, column: 257, message: "nesting is deeper than 256 levels"),
        ], lines: [2])),
    JSONRecordsCase(name: "empty file", input: "", expected: rawTable([], [])),
]

@Test(arguments: linesCases)
func jsonLinesLoadExactly(_ c: JSONRecordsCase) {
    #expect(DenseTable(JSONRecords.fromLines(bytes: Array(c.input.utf8))) == c.expected)
}

/// A record keeps the cells it has: memory follows the cells in the file, not
/// records × columns.
@Test(arguments: [false, true])
func sparseRecordsStoreOnlyTheirCells(array: Bool) throws {
    let records = (1...2_000).map { #"{"id":"\#($0)","k\#($0)":1}"# }
    let text = array ? "[" + records.joined(separator: ",\n") + "]" : records.joined(separator: "\n")
    let table = array ? try JSONRecords.fromArray(bytes: Array(text.utf8)) : JSONRecords.fromLines(bytes: Array(text.utf8))
    #expect(table.columns.count == 2_001)
    #expect(table.records.count == 2_000)
    #expect(table.cellTexts.count == 4_000)
    // Only the first record holds the columns 0, 1 in order; the others store theirs.
    #expect(table.cellColumns.count == 3_998)
    #expect(table.cell(1_999, 0) == "2000")
    #expect(table.cell(1_999, 2_000) == "1")
    #expect(table.cell(1_999, 1) == nil)
    #expect(table.cell(0, 2_000) == nil)
}

/// Keys in another order than the first record's, nulls, nested objects: each
/// record's cells are found by column whatever their order in the file.
@Test func cellsAreFoundInAnyKeyOrder() {
    let table = JSONRecords.fromLines(bytes: Array(#"""
        {"a":1,"b":2,"c":{"d":3}}
        {"c":{"d":"x"},"b":null,"a":"y"}
        {"e":5,"a":6}
        """#.utf8))
    #expect(table.columns == ["a", "b", "c.d", "e"])
    #expect(table.denseCells(1) == ["y", nil, "x", nil])
    #expect(table.denseCells(2) == ["6", nil, nil, "5"])
    #expect(table.records.map(\.columnsStart) == [-1, -1, 0])
    #expect(table.cellColumns == [0, 3])
    #expect(table.columns(of: 1) == [0, 1, 2])
    #expect(table.cell(1, 1) == nil && table.cell(1, 2) == "x" && table.cell(2, 3) == "5")
}
