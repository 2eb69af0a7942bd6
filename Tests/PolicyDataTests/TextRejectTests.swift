import Testing
import PolicySyntax
import PolicySemantics
import PolicyRuntime
@testable import PolicyData

/// Text that is not UTF-8, and NUL bytes, in a customer file: the row holding them is
/// rejected, naming the byte and its offset; nothing is read as U+FFFD.
struct TextRejectTests {
    static let fields: [FieldPlan] = [
        FieldPlan(spec: FieldSpec(name: "id", type: .text, isKey: true)),
        FieldPlan(spec: FieldSpec(name: "name", type: .text)),
        FieldPlan(spec: FieldSpec(name: "city", type: .text, optional: true, header: "Town")),
    ]

    func load(_ bytes: [UInt8], _ format: InputFormat = .csv, workers: Int = 1, pieceSize: Int? = nil) throws(DataError) -> LoadResult {
        try CustomerLoader.load(CustomerFile(name: "c", bytes: bytes, format: format), fields: Self.fields, keySlot: 0,
                                workers: workers, pieceSize: pieceSize)
    }

    @Test func csvRowsWithBadBytesAreRejectedByName() throws {
        let bytes = Array("id,name,Town,note\nC1,Zoë,北京,x\nC2,Caf".utf8) + [0xE9] + Array(",Lyon,\nC3,\"say \"\"hi\"\" ".utf8) + [0xFF]
            + Array("\",Oslo,\n".utf8) + [0x43, 0x34, 0x2C, 0x41, 0x00, 0x42, 0x2C, 0x2C, 0x0A] + Array("C5,Ann,,n".utf8) + [0xC3]
            + Array("\nC6,Bo,Rome,\n".utf8)
        let result = try load(bytes)
        #expect(result.table.count == 2)
        let e9 = bytes.firstIndex(of: 0xE9)!, ff = bytes.firstIndex(of: 0xFF)!, nul = bytes.firstIndex(of: 0)!
        let c3 = bytes.lastIndex(of: 0xC3)!
        // Placed at the cell (a quoted one at its opening quote), in characters.
        #expect(result.rejects.map(\.headline) == [
            "c:3:4: `name` is not valid UTF-8 text: byte 0xE9 at offset \(e9) (customer `C2`) [E0512]",
            "c:4:4: `name` is not valid UTF-8 text: byte 0xFF at offset \(ff) (customer `C3`) [E0512]",
            "c:5:4: `name` holds a NUL byte (0x00) at offset \(nul) (customer `C4`) [E0513]",
            "c:6:9: `note` is not valid UTF-8 text: byte 0xC3 at offset \(c3) (customer `C5`) [E0512]",
        ])
        #expect(result.rejects.map(\.column) == [2, 2, 2, 4])
        #expect(result.rejects.map(\.value) == ["Caf\\xE9", "say \"hi\" \\xFF", "A\\x00B", "n\\xC3"])
        #expect(e9 == 41 && nul == 77)
    }

    /// The same rows and rejects whether the file is read in one piece or many.
    @Test(arguments: [(2, 64), (3, 257), (2, 1), (4, 4096)] as [(Int, Int)])
    func piecesRejectTheSameRows(workers: Int, pieceSize: Int) throws {
        var random: UInt64 = 3
        func next(_ n: Int) -> Int {
            random = random &* 6364136223846793005 &+ 1442695040888963407
            return Int((random >> 33) % UInt64(n))
        }
        var bytes = Array("id,name,Town\n".utf8)
        // Mostly good text, much of it not ASCII; now and then a bad byte or a NUL.
        let cells: [[UInt8]] = [Array("Ann".utf8), Array("王芳".utf8), Array("\"two\nlines\"".utf8), Array("Zoë".utf8),
                                Array("\"欧阳, 娜\"".utf8), Array("Søren".utf8), [0x41, 0xFF], [0x00],
                                Array("\"q \"\"x\"\" ".utf8) + [0xE9] + [0x22], [0xE4, 0xB8]]
        for i in 0..<1_500 {
            let bad = next(8) == 0
            bytes += Array("C\(i),".utf8) + cells[next(bad ? cells.count : 6)] + [0x2C] + cells[next(6)]
            bytes += next(30) == 0 ? Array(",extra\n".utf8) : [0x0A]
            if next(40) == 0 { bytes.append(0x0A) }
        }
        let one = try load(bytes)
        #expect(one.rejects.contains { $0.code == .invalidText } && one.rejects.contains { $0.code == .nulByte })
        let many = try load(bytes, workers: workers, pieceSize: pieceSize)
        #expect(LoadFixture.dump(many, slots: 3) == LoadFixture.dump(one, slots: 3))
    }

    @Test(arguments: [
        (Array("id,na".utf8) + [0xFF] + Array("me,Town\nC1,Zoë,北京\n".utf8), DiagnosticCode.invalidText, 1, 4,
         "the name of column 2 of the header, `na\\xFFme`, is not valid UTF-8 text: byte 0xFF at offset 5"),
        (Array("\nid,name,To".utf8) + [0] + Array("wn\nC1,A,B\n".utf8), .nulByte, 2, 9,
         "the name of column 3 of the header, `To\\x00wn`, holds a NUL byte (0x00) at offset 11"),
    ] as [([UInt8], DiagnosticCode, Int, Int, String)])
    /// The place is the header name, in characters; the message numbers the header's names.
    func aHeaderNameThatIsNotTextStopsTheFile(bytes: [UInt8], code: DiagnosticCode, line: Int, column: Int, message: String) {
        for infer in [false, true] {
            do {
                if infer { _ = try SchemaInference.infer(CustomerFile(name: "c", bytes: bytes, format: .csv)) } else { _ = try load(bytes) }
                Issue.record("no error")
            } catch {
                #expect(error.code == code)
                #expect((error.line, error.column) == (line, column))
                #expect(error.message == message)
            }
        }
    }

    @Test(arguments: [InputFormat.json, .jsonl])
    func jsonRecordsWithBadTextAreRejected(format: InputFormat) throws {
        let records: [[UInt8]] = [
            Array(#"{"id":"C1","name":"Zoë","Town":"北京"}"#.utf8),
            Array(#"{"id":"C2","name":"Caf"#.utf8) + [0xE9] + Array(#""}"#.utf8),
            Array(#"{"id":"C3","name":"A\u0000B"}"#.utf8),
            Array(#"{"id":"C4","name":"x","Town":{"a"#.utf8) + [0xFF] + Array(#"":1}}"#.utf8),
            Array(#"{"id":"C5","name":"\ud800"}"#.utf8),
            Array(#"{"id":"C6","name":"a"#.utf8) + [0] + Array(#"b"}"#.utf8),
            Array(#"{"id":"C7","name":"中","Town":"上海"}"#.utf8),
        ]
        var bytes: [UInt8] = format == .json ? [0x5B, 0x0A] : []
        for (i, record) in records.enumerated() {
            bytes += record + (format == .json && i + 1 < records.count ? [0x2C, 0x0A] : [0x0A])
        }
        if format == .json { bytes.append(0x5D) }
        let result = try load(bytes, format)
        #expect(result.table.count == 2)
        let first = format == .json ? 3 : 2
        let messages = result.rejects.map(\.headline).map { String($0.drop { $0 != ":" }.dropFirst()) }
        #expect(messages.count == 5)
        // Placed at the string, and with the customer's id: the record has a readable one.
        #expect(messages.first == "\(first):19: `name` is not valid UTF-8 text: byte 0xE9 at offset \(bytes.firstIndex(of: 0xE9)!) (customer `C2`) [E0512]")
        #expect(result.rejects.map(\.code) == [.invalidText, .nulByte, .invalidText, .invalidText, .nulByte])
        #expect(result.rejects.map(\.value) == ["Caf\\xE9", "A\\u0000B", "Town.a\\xFF", "\\ud800", "a\\x00b"])
        #expect(messages[2] == "\(first + 2):31: the key `Town.a\\xFF` is not valid UTF-8 text: byte 0xFF at offset \(bytes.firstIndex(of: 0xFF)!) (customer `C4`) [E0512]")
        #expect(messages[3].hasPrefix("\(first + 3):19: `name` is not valid UTF-8 text: half of a surrogate pair, written \\uD800 at offset"))
        #expect(messages[3].hasSuffix("(customer `C5`) [E0512]"))
    }

    /// A file whose first block is clean but which is mostly Latin-1 further on stops
    /// at its first bad byte, in the loader and in inference.
    @Test(arguments: [InputFormat.csv, .jsonl])
    func mostlyNotUTF8IsOneErrorAtTheFirstBadByte(format: InputFormat) {
        var bytes = Array((format == .csv ? "id,name,Town\n" : "").utf8)
        for i in 0..<6_000 { bytes += Array((format == .csv ? "C\(i),Ann,Paris\n" : "{\"id\":\"C\(i)\",\"name\":\"Ann\"}\n").utf8) }
        #expect(bytes.count > TextEncoding.firstBlockSize)
        let at = bytes.count + (format == .csv ? 6 : 22)
        for i in 0..<50 {
            bytes += Array((format == .csv ? "D\(i),Jos" : "{\"id\":\"D\(i)\",\"name\":\"Jos").utf8) + [0xE9]
            bytes += Array((format == .csv ? ",Paris\n" : "\"}\n").utf8)
        }
        #expect(bytes[at] == 0xE9)
        for infer in [false, true] {
            do {
                let file = CustomerFile(name: "c", bytes: bytes, format: format)
                if infer { _ = try SchemaInference.infer(file) } else { _ = try load(bytes, format, workers: 2, pieceSize: 4096) }
                Issue.record("no error")
            } catch {
                #expect(error.code == .otherEncoding)
                #expect(error.message == "the file is not UTF-8 text: it looks like Latin-1 (Windows-1252)")
                #expect((error.line, error.column) == (format == .csv ? 6_002 : 6_001, format == .csv ? 7 : 23))
            }
        }
    }

    @Test(arguments: [false, true])
    func utf16WithABomLoadsAsItsUTF8Would(bigEndian: Bool) throws {
        let text = "id,name,Town\nC1,张伟,北京\nC2,Zoë,\nC3,A\u{0}B,x\n"
        let units = Array(text.utf16)
        var bytes: [UInt8] = bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]
        for u in units { bytes += bigEndian ? [UInt8(u >> 8), UInt8(u & 0xFF)] : [UInt8(u & 0xFF), UInt8(u >> 8)] }
        let utf16 = try load(bytes), utf8 = try load(Array(text.utf8))
        #expect(LoadFixture.dump(utf16, slots: 3) == LoadFixture.dump(utf8, slots: 3))
        #expect(utf16.table.count == 2 && utf16.rejects.map(\.code) == [.nulByte])
        #expect(try SchemaInference.infer(CustomerFile(name: "c", bytes: bytes, format: .csv)).fields.map(\.name) == ["id", "name", "Town"])
    }

    @Test(arguments: [InputFormat.csv, .json, .jsonl, .tsv])
    func filesThatAreNotUTF8TextStopAtOnce(format: InputFormat) {
        let cases: [([UInt8], DiagnosticCode)] = [
            ([UInt8](repeating: 0, count: 100_000), .notText),
            (Array("id,name\nC1,".utf8) + [0xD5, 0xC5, 0xCE, 0xB0, 0x0A], .otherEncoding),
            (Array("id\n".utf16).flatMap { [UInt8($0 & 0xFF), 0] }, .otherEncoding),
            ([0xFF, 0xFE, 0x41, 0x00, 0x00, 0xD8], .otherEncoding),
        ]
        for (bytes, code) in cases {
            for infer in [false, true] {
                do {
                    let file = CustomerFile(name: "c", bytes: bytes, format: format)
                    if infer { _ = try SchemaInference.infer(file) } else { _ = try load(bytes, format) }
                    Issue.record("no error for \(bytes.prefix(8))")
                } catch {
                    #expect(error.code == code, "\(bytes.prefix(8))")
                }
            }
        }
    }

    /// Inference leaves out the rows the loader rejects for their text.
    @Test func inferenceLeavesOutRowsWithBadText() throws {
        let bytes = Array("id,n\nC1,1\nC2,2\nC3,Zoë\n".utf8) + Array("C4,".utf8) + [0xE9] + Array("\n".utf8)
        let schema = try SchemaInference.infer(CustomerFile(name: "c", bytes: bytes, format: .csv))
        #expect(schema.fields.map(\.type) == [.text, .text])
        let clean = Array("id,n\nC1,1\nC2,2\nC3,Zoë\nC4,".utf8) + [0xE9] + Array("\n".utf8)
        #expect(try SchemaInference.infer(CustomerFile(name: "c", bytes: clean.filter { $0 != 0xE9 } + [], format: .csv)).fields[1].type == .text)
        let numbers = Array("id,n,t\nC1,1,Zoë\nC2,2,x\nC3,".utf8) + [0xE9] + Array(",y\n".utf8)
        #expect(try SchemaInference.infer(CustomerFile(name: "c", bytes: numbers, format: .csv)).fields[1].type == .int)
    }
}
