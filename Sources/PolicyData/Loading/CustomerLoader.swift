import Foundation
import PolicySyntax
import PolicySemantics
import PolicyRuntime

/// The customers of a file, ready to evaluate, and the rows that could not be used.
public struct LoadResult: Sendable {
    public var table: CustomerTable
    public var rejects: [Reject]
    public var rejectedRows: Int
    /// Rows read, accepted or not.
    public var rowsRead: Int { table.count + rejectedRows }
}

/// Loads a customer file against the policy's fields.
public enum CustomerLoader {
    /// Loads every row, checking each cell of every field. `keep` names the field
    /// slots to store (nil: all): `policy run` keeps only what the policy reads.
    public static func load(_ file: CustomerFile, fields: [FieldPlan], keySlot: Int,
                            keep: Set<Int>? = nil) throws(DataError) -> LoadResult {
        switch file.format {
        case .csv, .tsv: return try loadDelimited(file, fields: fields, keySlot: keySlot, keep: keep)
        case .json, .jsonl: return try loadJSON(file, fields: fields, keySlot: keySlot, keep: keep)
        }
    }

    static func loadDelimited(_ file: CustomerFile, fields: [FieldPlan], keySlot: Int, keep: Set<Int>?) throws(DataError) -> LoadResult {
        var reader = try openDelimited(file)
        let columns = try columnsOf(fields, header: reader.header, file: file.name, headerLine: reader.headerLine,
                                    duplicates: duplicateNames(reader.headerIssues))
        // Real exports run 60 to 200 bytes a row: guess generously, the index is small.
        var builder = RowBuilder(file: file.name, fields: fields, columns: columns, keySlot: keySlot, keep: keep,
                                 expectedRows: file.bytes.count / 80)
        var record = CSVRecord()
        let width = reader.header.count
        // One reference to the bytes for the whole loop: cells are read through it
        // without copying the reader (a copy per row costs several retains).
        let bytes = reader.bytes
        bytes.withUnsafeBufferPointer { buffer in
            while true {
                do throws(CSVError) {
                    guard try reader.next(into: &record) else { break }
                } catch {
                    builder.rejectRow(line: error.line, id: "", code: .malformedFile,
                                      expected: "the file cannot be read from here on: \(error.message)")
                    break
                }
                let line = record.line
                if record.fields.count != width {
                    let id = columns[keySlot].flatMap { $0 < record.fields.count ? reader.string(record.fields[$0]) : nil } ?? ""
                    builder.rejectRow(line: line, id: id.trimmingSpaces, code: .fieldCount,
                                      expected: "the row has \(record.fields.count) cells, but the header has \(width)")
                    continue
                }
                record.fields.withUnsafeBufferPointer { fields in
                    builder.add(line: line, cells: CSVCells(bytes: buffer, fields: fields))
                }
            }
        }
        return LoadResult(table: builder.table, rejects: builder.rejects, rejectedRows: builder.rejectedRows)
    }

    static func loadJSON(_ file: CustomerFile, fields: [FieldPlan], keySlot: Int, keep: Set<Int>?) throws(DataError) -> LoadResult {
        let raw = try rawJSON(file)
        let index = Dictionary(raw.columns.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        // A key missing from a JSON record is an empty cell, so absent columns are allowed.
        let columns = fields.map { index[$0.spec.header] }
        var builder = RowBuilder(file: file.name, fields: fields, columns: columns, keySlot: keySlot, keep: keep)
        var problems = raw.problems[...]
        for record in raw.records {
            while let p = problems.first, p.line <= record.line {
                builder.rejectRow(line: p.line, id: "", code: .malformedFile, expected: "this record is not a JSON object: \(p.message)")
                problems = problems.dropFirst()
            }
            builder.add(line: record.line, cells: JSONCells(cells: record.cells))
        }
        for p in problems {
            builder.rejectRow(line: p.line, id: "", code: .malformedFile, expected: "this record is not a JSON object: \(p.message)")
        }
        return LoadResult(table: builder.table, rejects: builder.rejects, rejectedRows: builder.rejectedRows)
    }

    // MARK: - Shared steps

    static func openDelimited(_ file: CustomerFile) throws(DataError) -> CSVReader {
        do {
            return try CSVReader(bytes: file.bytes, delimiter: file.format == .tsv ? .tab : nil)
        } catch {
            throw DataError(file: file.name, line: error.line, column: error.column, code: .malformedFile, message: error.message)
        }
    }

    static func rawJSON(_ file: CustomerFile) throws(DataError) -> RawTable {
        if file.format == .jsonl { return JSONRecords.fromLines(bytes: file.bytes) }
        do {
            return try JSONRecords.fromArray(bytes: file.bytes)
        } catch {
            throw DataError(file: file.name, line: error.line, column: error.column, code: .malformedFile,
                            message: "this is not a JSON array of customer objects: \(error.message)",
                            help: "a .json file holds [ {...}, {...} ]; use .jsonl for one object per line")
        }
    }

    static func duplicateNames(_ issues: [CSVHeaderIssue]) -> [String: Int] {
        var names: [String: Int] = [:]
        for case .duplicate(let name, let column, _) in issues { names[name] = column }
        return names
    }

    /// The column of each field, by header name; every missing column is an error
    /// with a suggestion.
    static func columnsOf(_ fields: [FieldPlan], header: [String], file: String, headerLine: Int,
                          duplicates: [String: Int]) throws(DataError) -> [Int?] {
        var index: [String: Int] = [:]
        for (i, name) in header.enumerated() where index[name] == nil { index[name] = i }
        var columns: [Int?] = []
        var missing: [FieldPlan] = []
        for field in fields {
            let name = field.spec.header
            if let column = duplicates[name] {
                throw DataError(file: file, line: headerLine, column: column, code: .duplicateHeader,
                                message: "the column `\(name)` appears twice in the header",
                                help: "rename one of them, so it is clear which one `\(field.spec.name)` reads")
            }
            columns.append(index[name])
            if index[name] == nil { missing.append(field) }
        }
        guard !missing.isEmpty else { return columns }
        let names = missing.map { "`\($0.spec.header)`" }.joined(separator: ", ")
        let guesses = missing.compactMap { field in
            Suggest.closest(to: field.spec.header, among: header).map { "`\(field.spec.name)` could read `\($0)` with `from \"\($0)\"`" }
        }
        let help = guesses.isEmpty
            ? "the header has \(header.prefix(15).map { "`\($0)`" }.joined(separator: ", "))"
            : "did you mean another column? " + guesses.joined(separator: "; ")
        throw DataError(file: file, line: headerLine, column: 1, code: .missingColumn,
                        message: missing.count == 1 ? "the column \(names) is missing from the header"
                                                    : "the columns \(names) are missing from the header",
                        help: help)
    }
}

/// The cells of one CSV record: spans into the file's bytes.
struct CSVCells: CellSource {
    let bytes: UnsafeBufferPointer<UInt8>
    let fields: UnsafeBufferPointer<CSVField>

    @inline(__always)
    func withCell<R>(_ column: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let field = fields[column]
        if field.hasEscapedQuotes {
            // `""` inside quotes stands for one quote: read an unescaped copy (rare).
            var text = unescaped(field)
            return text.withUTF8(body)
        }
        return body(UnsafeBufferPointer(rebasing: bytes[field.start..<field.end]))
    }

    func isEmpty(_ column: Int) -> Bool {
        let field = fields[column]
        return CellReader.trimmed(UnsafeBufferPointer(rebasing: bytes[field.start..<field.end])).isEmpty
    }

    func raw(_ column: Int) -> String {
        unescaped(fields[column]).trimmingSpaces
    }

    func unescaped(_ field: CSVField) -> String {
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[field.start..<field.end]), as: UTF8.self)
        return field.hasEscapedQuotes ? text.replacingOccurrences(of: "\"\"", with: "\"") : text
    }
}

/// The cells of one JSON record, as strings (nil: missing or null).
struct JSONCells: CellSource {
    let cells: [String?]

    func withCell<R>(_ column: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        guard column < cells.count, var text = cells[column] else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        return text.withUTF8(body)
    }

    func isEmpty(_ column: Int) -> Bool {
        guard column < cells.count, let text = cells[column] else { return true }
        return text.trimmingSpaces.isEmpty
    }

    func raw(_ column: Int) -> String {
        column < cells.count ? (cells[column] ?? "") : ""
    }
}

extension String {
    /// The text without surrounding spaces and tabs (as cells are read).
    package var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
