import Foundation
import Testing
import PolicySyntax
import PolicySemantics
import PolicyRuntime
@testable import PolicyData

/// What a person sees of a rejected row: `file:line:col` of the cell (the JSON value),
/// the line of data, and a caret under the cell, as the renderer draws every diagnostic.
struct RejectRenderingTests {
    static let fields: [FieldPlan] = [
        FieldPlan(spec: FieldSpec(name: "id", type: .text, isKey: true)),
        FieldPlan(spec: FieldSpec(name: "name", type: .text, optional: true)),
        FieldPlan(spec: FieldSpec(name: "orders", type: .int)),
    ]

    func rejects(_ text: String, _ format: InputFormat, keep: Set<Int>? = nil) throws -> [Reject] {
        let file = CustomerFile(name: "c.\(format.rawValue)", bytes: Array(text.utf8), format: format)
        return try CustomerLoader.load(file, fields: Self.fields, keySlot: 0, keep: keep).rejects
    }

    func rendered(_ text: String, _ format: InputFormat) throws -> String {
        try rejects(text, format).map { DiagnosticRenderer().render($0.diagnostic) }.joined()
    }

    @Test(arguments: [
        // A quoted cell before the bad one: columns count characters, quotes included.
        ("id,name,orders\nC1,\"Lee, Bo\",twelve\n", InputFormat.csv, """
        c.csv:2:14: error: `orders` is `twelve`, expected a whole number (customer `C1`) [E0502]
         2 | C1,"Lee, Bo",twelve
           |              ^^^^^^

        """),
        // A quoted cell that runs onto the next line: the bad cell is on line 3.
        ("id,name,orders\nC1,\"two\nlines\",x\n", .csv, """
        c.csv:3:8: error: `orders` is `x`, expected a whole number (customer `C1`) [E0502]
         3 | lines",x
           |        ^

        """),
        // CRLF line ends; an empty cell is placed where it would be.
        ("id,name,orders\r\nC1,Ann,\r\n", .csv, """
        c.csv:2:8: error: `orders` is empty, but the field is required (customer `C1`) [E0503]
         2 | C1,Ann,
           |        ^

        """),
        ("id\tname\torders\nC1\t王芳\tmany\n", .tsv, """
        c.tsv:2:7: error: `orders` is `many`, expected a whole number (customer `C1`) [E0502]
         2 | C1\t王芳\tmany
           |   \t    \t^^^^

        """),
        // A pretty-printed JSON file: the value, on its own line.
        ("[\n  {\n    \"id\": \"C1\",\n    \"orders\": \"x\"\n  }\n]\n", .json, """
        c.json:4:15: error: `orders` is `x`, expected a whole number (customer `C1`) [E0502]
         4 |     "orders": "x"
           |               ^^^

        """),
        // A required key the record lacks: the record is at fault, from its `{`.
        ("[\n  {\"id\": \"C1\", \"name\": \"Ann\"}\n]\n", .json, """
        c.json:2:3: error: `orders` is empty, but the field is required (customer `C1`) [E0503]
         2 |   {"id": "C1", "name": "Ann"}
           |   ^

        """),
        // `null` is an empty cell, placed at the `null`; a nested key's value likewise.
        ("{\"id\":\"C1\",\"orders\":null}\n{\"id\":\"C2\",\"orders\":\"\\n\"}\n", .jsonl, """
        c.jsonl:1:21: error: `orders` is empty, but the field is required (customer `C1`) [E0503]
         1 | {"id":"C1","orders":null}
           |                     ^^^^
        c.jsonl:2:21: error: `orders` is empty, but the field is required (customer `C2`) [E0503]
         2 | {"id":"C2","orders":"\\n"}
           |                     ^^^^

        """),
    ] as [(String, InputFormat, String)])
    func aRejectShowsItsCellInItsLine(text: String, format: InputFormat, expected: String) throws {
        #expect(try rendered(text, format) == expected)
    }

    /// The `--rejects` columns stay as they were: the row's first line and the cell's
    /// position in the header, whatever line and character the cell is at.
    @Test func theRejectsFileKeepsTheRowsLineAndTheHeaderPosition() throws {
        let reject = try #require(try rejects("id,name,orders\nC1,\"two\nlines\",x\n", .csv).first)
        #expect(reject.fields == ["c.csv", "2", "3", "C1", "orders", "x", "a whole number"])
        #expect((reject.place?.line, reject.place?.column) == (3, 8))
    }

    /// A file written on one line (a minified export) is not kept whole for each reject:
    /// the line is cut around the cell, `…` where it goes on, the place exact.
    @Test func aLongLineIsShownInPart() throws {
        let records = (0..<400).map { i in "{\"id\":\"C\(i)\",\"name\":\"Customer number \(i)\",\"orders\":\(i == 250 ? "\"many\"" : "\(i)")}" }
        let text = "[" + records.joined(separator: ",") + "]"
        let reject = try #require(try rejects(text, .json).first)
        let offset = text.utf8.distance(from: text.startIndex, to: text.range(of: "\"many\"")!.lowerBound)
        let column = Array(text.utf8).withUnsafeBufferPointer { ReaderPosition.of(offset: offset, in: $0).column }
        let place = try #require(reject.place)
        #expect((place.line, place.column) == (1, column))
        #expect(place.excerpt.count <= DataPlace.limit && place.cutBefore && place.cutAfter)
        let lines = DiagnosticRenderer().render(reject.diagnostic).split(separator: "\n").map(String.init)
        #expect(lines[0] == "c.json:1:\(column): error: `orders` is `many`, expected a whole number (customer `C250`) [E0502]")
        #expect(lines[1].hasPrefix(" 1 | …") && lines[1].hasSuffix("…"))
        // The carets are under `"many"`.
        let caret = lines[2].firstIndex(of: "^")!
        let under = lines[1][lines[1].index(lines[1].startIndex, offsetBy: lines[2].distance(from: lines[2].startIndex, to: caret))...]
        #expect(under.hasPrefix("\"many\""))
        #expect(lines[2].filter { $0 == "^" }.count == 6)
    }

    /// A JSON record that never becomes a row names its customer when its key reads.
    @Test(arguments: [InputFormat.json, .jsonl])
    func aJSONRecordRejectedWholeNamesItsCustomer(format: InputFormat) throws {
        let records = [#"{"id":"C1","orders":1,"orders":2}"#, #"{"orders":1,"id":"C2","name":"Caf\u0000"}"#, #"{"id":7,"orders":1,"orders":1}"#]
        let text = format == .json ? "[" + records.joined(separator: ",\n") + "]" : records.joined(separator: "\n")
        let found = try rejects(text, format)
        #expect(found.map(\.code) == [.duplicateJSONKey, .nulByte, .duplicateJSONKey])
        #expect(found.map(\.customerID) == ["C1", "C2", "7"])
    }

    /// The same places whether the policy keeps the field or only checks it.
    @Test(arguments: [InputFormat.csv, .json, .jsonl])
    func placesDoNotDependOnWhatIsKept(format: InputFormat) throws {
        let text = LoadFixture.render(LoadFixture.records(rows: 300, seed: 9), as: format)
        let file = { CustomerFile(name: "c", bytes: Array(text.utf8), format: format) }
        let all = try CustomerLoader.load(file(), fields: LoadFixture.fields, keySlot: 0).rejects
        let few = try CustomerLoader.load(file(), fields: LoadFixture.fields, keySlot: 0, keep: [0]).rejects
        #expect(all.count > 50)
        #expect(all.map(\.place) == few.map(\.place))
        // Each place is at the cell: its excerpt holds the value the reject quotes.
        for reject in all where reject.code == .badCell {
            let place = try #require(reject.place)
            let cell = String(decoding: place.excerpt[place.start..<place.end], as: UTF8.self)
            #expect(cell.contains(reject.value), "\(reject.fields)")
        }
    }

    /// A file that cannot be read at all is placed where reading stopped, with its line.
    @Test(arguments: [
        ("\u{FEFF}[\n  {\"id\": \"C1\", \"orders\": 1},\r\n  {\"id\": \"C2\", \"orders\": 2,}\n]\n", InputFormat.json, """
        c.json:3:28: error: this is not a JSON array of customer objects: trailing comma before `}` [E0507]
         3 |   {"id": "C2", "orders": 2,}
           |                            ^
           = help: a .json file holds [ {...}, {...} ]; use .jsonl for one object per line

        """),
        ("id,\"name\nC1,x\n", .csv, """
        c.csv:1:4: error: unterminated quoted field starting here [E0507]
         1 | id,"name
           |    ^

        """),
    ] as [(String, InputFormat, String)])
    func aFileThatCannotBeReadIsPlaced(text: String, format: InputFormat, expected: String) {
        let file = CustomerFile(name: "c.\(format.rawValue)", bytes: Array(text.utf8), format: format)
        do {
            _ = try CustomerLoader.load(file, fields: Self.fields, keySlot: 0)
            Issue.record("no error")
        } catch {
            #expect(DiagnosticRenderer().render(error.diagnostic) == expected)
        }
    }
}
