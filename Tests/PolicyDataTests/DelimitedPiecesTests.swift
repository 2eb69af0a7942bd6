import PolicyFiles
import Foundation
import Testing
import PolicySemantics
import PolicyRuntime
@testable import PolicyData

/// Cutting a file into pieces, and finding the cuts that fell inside a quoted field.
struct DelimitedPiecesTests {
    @Test func cutsFallJustAfterALineFeed() {
        let bytes = Array("h\naaaa\nbb\n\nccccc\nd".utf8)
        let cuts = bytes.withUnsafeBufferPointer { DelimitedPieces.cuts($0, from: 2, size: 3) }
        #expect(cuts == [2..<7, 7..<10, 10..<17, 17..<18])
        #expect(bytes.withUnsafeBufferPointer { DelimitedPieces.cuts($0, from: 18, size: 3) } == [18..<18])
    }

    @Test func aCutInsideAQuotedFieldIsReadAgainFromTheRecordsEnd() throws {
        // Every name spans three lines, so small pieces start inside quotes again and again.
        var text = LoadFixture.header + "\n"
        for i in 0..<200 { text += "C\(i),\"line one\nline, two\n\"\"three\"\"\",\(i).50,,,gold,,t\n" }
        let bytes = Array(text.utf8)
        let reader = try CSVReader(bytes: bytes)
        let table = CustomerTable(types: LoadFixture.fields.map(\.columnType), keep: LoadFixture.keep)
        let checks = FieldChecks(file: "c.csv", fields: LoadFixture.fields, columns: Array(0..<8), keySlot: 0, kept: table.keeps)
        let reading = DelimitedPieces.Reading(bytes: FileBytes(bytes), delimiter: .comma, width: 8, checks: checks,
                                              keep: LoadFixture.keep, keyHash: { $0.hashValue },
                                              columnNames: LoadFixture.header.components(separatedBy: ","))
        let cuts = bytes.withUnsafeBufferPointer { DelimitedPieces.cuts($0, from: reader.dataStart.position, size: 50) }
        let pieces = DelimitedPieces.read(cuts, reading, firstLine: reader.dataStart.line, workers: 2)
        let reread = zip(cuts, pieces).filter { $0.lowerBound != $1.start }.count
        #expect(reread > 10)
        // Each piece starts where the one before ended, and together they hold every record once.
        for k in pieces.indices.dropFirst() { #expect(pieces[k].start == pieces[k - 1].end) }
        #expect(pieces.reduce(0) { $0 + $1.builder.table.count } == 200)
        #expect(pieces.allSatisfy { $0.builder.rejects.isEmpty })
        let file = CustomerFile(name: "c.csv", bytes: bytes, format: .csv)
        let whole = try CustomerLoader.load(file, fields: LoadFixture.fields, keySlot: 0, keep: LoadFixture.keep, workers: 2, pieceSize: 50)
        #expect(LoadFixture.dump(whole, slots: 8) == LoadFixture.dump(try LoadFixture.reference(file, fields: LoadFixture.fields, keySlot: 0, keep: LoadFixture.keep), slots: 8))
        #expect(whole.table.lines.prefix(3) == [2, 5, 8])
    }
}

/// The loader indexes nothing it was not given, whatever the fields say.
struct LoaderBoundsTests {
    @Test func anAbsentKeyColumnRejectsEveryRowWithoutACrash() {
        let bytes = Array("id,name\nA,x\nB,y,extra\n".utf8)
        let fields = [FieldPlan(spec: FieldSpec(name: "id", type: .text, isKey: true)),
                      FieldPlan(spec: FieldSpec(name: "name", type: .text))]
        let checks = FieldChecks(file: "c.csv", fields: fields, columns: [nil, 1], keySlot: 0, kept: { _ in true })
        let reading = DelimitedPieces.Reading(bytes: FileBytes(bytes), delimiter: .comma, width: 2, checks: checks,
                                              keep: nil, keyHash: { $0.hashValue }, columnNames: ["id", "name"])
        let piece = reading.read(8..<bytes.count)
        #expect(piece.builder.rejects.map(\.code) == [.emptyRequiredCell, .fieldCount])
        #expect(reading.keyCell(at: 8, line: 2).text == "")
        // A key slot that names no field at all.
        let none = FieldChecks(file: "c.csv", fields: [], columns: [], keySlot: 0, kept: { _ in true })
        #expect(none.keyColumn == nil)
    }

    @Test(arguments: [(0, 0), (1, 3), (1, -1)])
    func aKeySlotOutsideTheFieldsIsAnError(fieldCount: Int, keySlot: Int) {
        let fields = Array([FieldPlan(spec: FieldSpec(name: "id", type: .text, isKey: true))].prefix(fieldCount))
        for format in InputFormat.allCases {
            let file = CustomerFile(name: "c", bytes: Array("id\nA\n".utf8), format: format)
            #expect(throws: DataError.self) { try CustomerLoader.load(file, fields: fields, keySlot: keySlot) }
        }
    }
}
