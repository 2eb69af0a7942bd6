// Exact-output tests of the CSV/TSV reader.
import Testing
import PolicyData

/// One expected record: its starting line and its field texts.
struct CSVRow: Equatable, Sendable, CustomStringConvertible {
    var line: Int
    var fields: [String]
    init(_ line: Int, _ fields: [String]) {
        self.line = line
        self.fields = fields
    }
    var description: String { "\(line): \(fields)" }
}

/// Everything a read produces, compared in one `#expect`.
struct CSVReadResult: Equatable {
    var header: [String]
    var headerLine: Int
    var delimiter: CSVDelimiter
    var rows: [CSVRow]
    var error: CSVError?
}

/// Reads `input` to the end, collecting rows and the final error if any.
func readAllCSV(_ input: [UInt8], delimiter: CSVDelimiter? = nil) throws(CSVError) -> CSVReadResult {
    var reader = try CSVReader(bytes: input, delimiter: delimiter)
    var result = CSVReadResult(header: reader.header, headerLine: reader.headerLine, delimiter: reader.delimiter, rows: [], error: nil)
    var record = CSVRecord()
    do {
        while try reader.next(into: &record) {
            result.rows.append(CSVRow(record.line, record.fields.map { reader.string($0) }))
        }
    } catch {
        result.error = error
        // After the error the reader is exhausted.
        let again = try reader.next(into: &record)
        #expect(again == false)
    }
    return result
}

struct CSVCase: Sendable, CustomTestStringConvertible {
    var name: String
    var input: String
    var forced: CSVDelimiter? = nil
    var delimiter: CSVDelimiter = .comma
    var header: [String]
    var headerLine: Int = 1
    var rows: [CSVRow]
    var error: CSVError? = nil
    var testDescription: String { name }
}

let csvUnterminatedMessage = "unterminated quoted field starting here"

let csvCases: [CSVCase] = [
    CSVCase(name: "plain", input: "id,name\n1,Ann\n2,Bob\n", header: ["id", "name"],
            rows: [CSVRow(2, ["1", "Ann"]), CSVRow(3, ["2", "Bob"])]),
    CSVCase(name: "no final newline", input: "a,b\n1,2", header: ["a", "b"], rows: [CSVRow(2, ["1", "2"])]),
    CSVCase(name: "crlf", input: "a,b\r\n1,2\r\n3,4\r\n", header: ["a", "b"],
            rows: [CSVRow(2, ["1", "2"]), CSVRow(3, ["3", "4"])]),
    CSVCase(name: "lone cr", input: "a,b\r1,2\r3,4", header: ["a", "b"],
            rows: [CSVRow(2, ["1", "2"]), CSVRow(3, ["3", "4"])]),
    CSVCase(name: "bom", input: "\u{FEFF}id,name\n1,x\n", header: ["id", "name"], rows: [CSVRow(2, ["1", "x"])]),
    CSVCase(name: "embedded comma", input: "a,b\n\"x, y\",2\n", header: ["a", "b"], rows: [CSVRow(2, ["x, y", "2"])]),
    CSVCase(name: "escaped quotes", input: "a,b\n\"say \"\"hi\"\"\",\"\"\"\"\n", header: ["a", "b"],
            rows: [CSVRow(2, ["say \"hi\"", "\""])]),
    CSVCase(name: "embedded newline", input: "a,b\n\"line1\nline2\",2\n3,4\n", header: ["a", "b"],
            rows: [CSVRow(2, ["line1\nline2", "2"]), CSVRow(4, ["3", "4"])]),
    CSVCase(name: "embedded crlf and cr", input: "a,b\r\n\"x\r\ny\rz\",2\r\n3,4\r\n", header: ["a", "b"],
            rows: [CSVRow(2, ["x\r\ny\rz", "2"]), CSVRow(5, ["3", "4"])]),
    CSVCase(name: "blank lines skipped", input: "a,b\n\n1,2\n\r\n\n3,4\n\n", header: ["a", "b"],
            rows: [CSVRow(3, ["1", "2"]), CSVRow(6, ["3", "4"])]),
    CSVCase(name: "blank lines before header", input: "\n\r\na,b\n1,2\n", header: ["a", "b"], headerLine: 3,
            rows: [CSVRow(4, ["1", "2"])]),
    CSVCase(name: "spaces around quoted field", input: "a,b\n  \"abc\"  , \"d\"\t\n", header: ["a", "b"],
            rows: [CSVRow(2, ["abc", "d"])]),
    CSVCase(name: "spaces in unquoted field kept", input: "a,b\n  p  ,q \n", header: ["a", "b"],
            rows: [CSVRow(2, ["  p  ", "q "])]),
    CSVCase(name: "quote inside unquoted field is literal", input: "a,b\nab\"c,d\"\n", header: ["a", "b"],
            rows: [CSVRow(2, ["ab\"c", "d\""])]),
    CSVCase(name: "text after closing quote is literal", input: "a,b\n\"ab\"cd,e\n", header: ["a", "b"],
            rows: [CSVRow(2, ["\"ab\"cd", "e"])]),
    CSVCase(name: "ragged rows keep their field count", input: "a,b,c\n1,2\n1,2,3,4\n,\n", header: ["a", "b", "c"],
            rows: [CSVRow(2, ["1", "2"]), CSVRow(3, ["1", "2", "3", "4"]), CSVRow(4, ["", ""])]),
    CSVCase(name: "trailing delimiter is an empty field", input: "a,b\n1,\n,\"\"", header: ["a", "b"],
            rows: [CSVRow(2, ["1", ""]), CSVRow(3, ["", ""])]),
    CSVCase(name: "whitespace-only line is a record", input: "a,b\n   \n", header: ["a", "b"], rows: [CSVRow(2, ["   "])]),
    CSVCase(name: "semicolon detected", input: "a;b;c\n1;2,5;3\n", delimiter: .semicolon, header: ["a", "b", "c"],
            rows: [CSVRow(2, ["1", "2,5", "3"])]),
    CSVCase(name: "tab detected", input: "a\tb\n1\t2\n", delimiter: .tab, header: ["a", "b"], rows: [CSVRow(2, ["1", "2"])]),
    CSVCase(name: "tab forced", input: "a,b\tc\n1,2\t3\n", forced: .tab, delimiter: .tab, header: ["a,b", "c"],
            rows: [CSVRow(2, ["1,2", "3"])]),
    CSVCase(name: "tab delimiter keeps tabs out of padding", input: "a\tb\n\"x\"\t\t\n", delimiter: .tab, header: ["a", "b"],
            rows: [CSVRow(2, ["x", "", ""])]),
    CSVCase(name: "tie picks comma", input: "a,b;c\n1,2;3\n", header: ["a", "b;c"], rows: [CSVRow(2, ["1", "2;3"])]),
    CSVCase(name: "quoted delimiters do not vote", input: "\"a;b;c\",d\n1,2\n", header: ["a;b;c", "d"],
            rows: [CSVRow(2, ["1", "2"])]),
    CSVCase(name: "header names trimmed", input: " id , name\t,\"city \" \n 1 ,2,3\n", header: ["id", "name", "city"],
            rows: [CSVRow(2, [" 1 ", "2", "3"])]),
    CSVCase(name: "chinese text", input: "姓名,城市\n张伟,\"北京, 朝阳\"\n李娜,上海\n", header: ["姓名", "城市"],
            rows: [CSVRow(2, ["张伟", "北京, 朝阳"]), CSVRow(3, ["李娜", "上海"])]),
    CSVCase(name: "header only", input: "a,b\n", header: ["a", "b"], rows: []),
    CSVCase(name: "header only without newline", input: "a,b", header: ["a", "b"], rows: []),
    CSVCase(name: "single column with blank lines", input: "a\n1\n\n2\n", header: ["a"],
            rows: [CSVRow(2, ["1"]), CSVRow(4, ["2"])]),
    CSVCase(name: "unterminated quote after good records", input: "a,b\n1,2\n3,\"abc\n4,5\n", header: ["a", "b"],
            rows: [CSVRow(2, ["1", "2"])], error: CSVError(line: 3, column: 3, message: csvUnterminatedMessage)),
    CSVCase(name: "unterminated quote column counts characters", input: "名,b\n张,\"x", header: ["名", "b"],
            rows: [], error: CSVError(line: 2, column: 3, message: csvUnterminatedMessage)),
    CSVCase(name: "unterminated quote after a multi-line field", input: "a,b\n\"1\n2\",x\n\n  \"y,z\n", header: ["a", "b"],
            rows: [CSVRow(2, ["1\n2", "x"])], error: CSVError(line: 5, column: 3, message: csvUnterminatedMessage)),
]

@Test(arguments: csvCases)
func csvReadsExactly(_ c: CSVCase) throws {
    let result = try readAllCSV(Array(c.input.utf8), delimiter: c.forced)
    #expect(result == CSVReadResult(header: c.header, headerLine: c.headerLine, delimiter: c.delimiter, rows: c.rows, error: c.error))
}

struct CSVFailureCase: Sendable, CustomTestStringConvertible {
    var name: String
    var input: [UInt8]
    var error: CSVError
    var testDescription: String { name }
}

let csvFailures: [CSVFailureCase] = [
    CSVFailureCase(name: "empty file", input: [], error: CSVError(line: 1, column: 1, message: "the file is empty: no header row")),
    CSVFailureCase(name: "bom only", input: [0xEF, 0xBB, 0xBF], error: CSVError(line: 1, column: 1, message: "the file is empty: no header row")),
    CSVFailureCase(name: "blank lines only", input: Array("\n\r\n\r".utf8),
                   error: CSVError(line: 1, column: 1, message: "the file has only blank lines: no header row")),
    CSVFailureCase(name: "unterminated quote in header", input: Array("\n\"a,b\n1,2\n".utf8),
                   error: CSVError(line: 2, column: 1, message: csvUnterminatedMessage)),
]

@Test(arguments: csvFailures)
func csvRefusesFilesWithoutHeader(_ c: CSVFailureCase) {
    #expect(throws: c.error) { try CSVReader(bytes: c.input) }
}

@Test(arguments: [
    ("a,b,c", CSVDelimiter.comma),
    ("a;b;c", .semicolon),
    ("a\tb\tc", .tab),
    ("a;b,c;d", .semicolon),
    ("a;b\tc", .comma),
    ("abc", .comma),
    ("", .comma),
    ("\"x,y,z\";b\n1,2,3,4", .semicolon),
    ("a\tb\n1,2,3,4,5", .tab),
])
func csvDetectsDelimiter(_ line: String, _ expected: CSVDelimiter) {
    #expect(CSVDelimiter.detect(headerLine: Array(line.utf8)) == expected)
}

@Test func csvReportsHeaderIssuesAsData() throws {
    let reader = try CSVReader(bytes: Array("a,,a, b ,b, \n".utf8))
    #expect(reader.header == ["a", "", "a", "b", "b", ""])
    #expect(reader.headerIssues == [
        .empty(column: 2),
        .duplicate(name: "a", column: 3, firstColumn: 1),
        .duplicate(name: "b", column: 5, firstColumn: 4),
        .empty(column: 6),
    ])
}

@Test func csvFieldSpansAreZeroCopy() throws {
    let bytes = Array("h1,h2,h3\nab,\"c\"\"d\",\"e\"\n".utf8)
    var reader = try CSVReader(bytes: bytes)
    var record = CSVRecord()
    #expect(try reader.next(into: &record))
    #expect(record.fields == [
        CSVField(start: 9, end: 11, quoted: false, hasEscapedQuotes: false),
        CSVField(start: 13, end: 17, quoted: true, hasEscapedQuotes: true),
        CSVField(start: 20, end: 21, quoted: true, hasEscapedQuotes: false),
    ])
    #expect(reader.withFieldBytes(record.fields[1]) { Array($0) } == Array("c\"d".utf8))
    #expect(reader.withFieldBytes(record.fields[0]) { Array($0) } == Array("ab".utf8))
    // A span not from this reader is clamped, never read out of bounds.
    #expect(reader.withFieldBytes(CSVField(start: 20, end: 999)) { $0.count } == 3)
    #expect(reader.string(CSVField(start: -5, end: -1)) == "")
    #expect(try reader.next(into: &record) == false)
    #expect(record.fields.isEmpty)
}

@Test func csvReusesTheFieldBuffer() throws {
    var reader = try CSVReader(bytes: Array("a\n1,2,3,4,5,6,7,8\nx\n".utf8))
    var record = CSVRecord()
    #expect(try reader.next(into: &record))
    #expect(record.fields.count == 8)
    let capacity = record.fields.capacity
    #expect(try reader.next(into: &record))
    #expect(record.fields.count == 1)
    #expect(record.fields.capacity == capacity)
}

/// Arbitrary bytes never crash or hang the reader, and every span stays inside the input.
@Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8])
func csvSurvivesGarbage(_ seed: UInt64) {
    var state = seed &* 0x9E37_79B9_7F4A_7C15
    let alphabet: [UInt8] = Array("a,;\t\"\r\n \u{FEFF}中".utf8) + [0xFF, 0x00]
    for _ in 0..<200 {
        var bytes: [UInt8] = []
        state = state &* 6364136223846793005 &+ 1442695040888963407
        let length = Int(state >> 56)
        for _ in 0..<length {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            bytes.append(alphabet[Int(state >> 33) % alphabet.count])
        }
        guard var reader = try? CSVReader(bytes: bytes) else { continue }
        var record = CSVRecord()
        var lastLine = reader.headerLine
        var count = 0
        while (try? reader.next(into: &record)) == true {
            count += 1
            #expect(record.line > lastLine)
            lastLine = record.line
            #expect(!record.fields.isEmpty)
            for field in record.fields {
                #expect(0 <= field.start && field.start <= field.end && field.end <= bytes.count)
                _ = reader.string(field)
            }
        }
        #expect(count <= bytes.count)
    }
}
