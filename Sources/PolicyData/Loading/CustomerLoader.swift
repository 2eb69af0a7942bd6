import Foundation
import PolicyValues
import PolicySyntax
import PolicySemantics
import PolicyRuntime

/// The customers (or orders) of a file, ready to evaluate, and the rows that could not be used.
public struct LoadResult: Sendable {
    public var table: CustomerTable
    public var rejects: [Reject]
    public var rejectedRows: Int
    /// Orders: the rows left out because their customer field is empty (and optional).
    public var withoutCustomer = 0
    /// Orders looked up in a customer file: grouped by customer (`table` is then empty).
    public var orders: OrderTable? = nil
    /// Rows read, accepted or not.
    public var rowsRead: Int { (orders?.table.count ?? table.count) + rejectedRows + withoutCustomer }

    /// The table, taken out (this result keeps an empty one with the same counts of rejects).
    public mutating func takeTable() -> CustomerTable {
        var taken = CustomerTable(fieldCount: 0)
        swap(&taken, &table)
        return taken
    }

    public init(table: CustomerTable, rejects: [Reject], rejectedRows: Int, withoutCustomer: Int = 0) {
        self.table = table
        self.rejects = rejects
        self.rejectedRows = rejectedRows
        self.withoutCustomer = withoutCustomer
    }
}

/// How the key cells of a load are checked.
public enum KeyCheck: Sendable {
    /// Customers: each key on one row; a later row with an earlier row's key is rejected.
    case unique
    /// Orders: each order's customer is found in `lookup` (nil: none is looked up, every
    /// order with a customer is kept); an order whose customer is not there is
    /// rejected, one whose customer cell is empty is counted as without a customer,
    /// and left out.
    case customers(CustomerLookup?)

    /// The hash the loader keeps per row: a customer's key's, or an order's customer
    /// row (-1: none such, -2: the cell is empty; 0 for any customer without a lookup).
    var keyHash: @Sendable (Value) -> Int {
        switch self {
        case .unique: CustomerLoader.keyHash
        case .customers(let lookup?): { lookup.row(of: $0) }
        case .customers(nil): { $0.isNone ? -2 : 0 }
        }
    }

    /// The customers orders are looked up in, if any.
    var lookup: CustomerLookup? {
        if case .customers(let lookup?) = self { return lookup }
        return nil
    }
}

/// Loads a customer file against the policy's fields.
public enum CustomerLoader {
    /// Loads every row, checking each cell of every field. `keep` names the field
    /// slots to store (nil: all): `policy run` keeps only what the policy reads.
    /// A CSV/TSV file is read in pieces on up to `workers` threads (1: one thread,
    /// in order), with the same result; `pieceSize` (bytes) is for tests.
    ///
    /// The file is taken over: when the caller hands over its last reference
    /// (`load(consume file, ...)`), the bytes are released as soon as every row is
    /// read, before the pieces are joined.
    ///
    /// An orders file is loaded the same way, `keySlot` being its customer field and
    /// `keys` saying how to find each order's customer; its key is kept only if `keep` says so.
    public static func load(_ file: consuming CustomerFile, fields: [FieldPlan], keySlot: Int, keep: Set<Int>? = nil,
                            keys: KeyCheck = .unique, workers: Int = 1, pieceSize: Int? = nil) throws(DataError) -> LoadResult {
        guard fields.indices.contains(keySlot) else {
            throw DataError(file: file.name, line: 1, column: 1, code: .noColumns,
                            message: "there is no key field to read the customers by",
                            help: "declare the fields, with one `key`, in a `customer` block")
        }
        // A customer key is always kept: duplicates are found by comparing stored keys.
        var keep = keep
        let keyHash = keys.keyHash
        if case .unique = keys { keep = keep.map { $0.union([keySlot]) } }
        // UTF-16 is read as the UTF-8 it converts to; other encodings stop here.
        let file = try CustomerText.prepare(consume file)
        switch file.format {
        case .csv, .tsv:
            return try loadDelimited(consume file, fields: fields, keySlot: keySlot, keep: keep, keys: keys, keyHash: keyHash,
                                     workers: workers, pieceSize: pieceSize)
        case .json, .jsonl:
            try CustomerText.checkWhole(file)
            return try loadJSON(file, fields: fields, keySlot: keySlot, keep: keep, keys: keys, keyHash: keyHash)
        }
    }

    static func loadDelimited(_ file: consuming CustomerFile, fields: [FieldPlan], keySlot: Int, keep: Set<Int>?,
                              keys: KeyCheck, keyHash: @escaping @Sendable (Value) -> Int,
                              workers: Int, pieceSize: Int?) throws(DataError) -> LoadResult {
        var builders: [TableBuilder] = []
        var offsets = [0]
        let rejects: LoadAssembly.Rejects
        do {
            // Everything that holds the file's bytes lives in this block.
            let reader = try openDelimited(file)
            var text = try CustomerText.checkHeader(reader, file: file)
            let columns = try columnsOf(fields, header: reader.header, file: file.name, place: reader.headerPlace,
                                        duplicates: duplicateNames(reader.headerIssues))
            let table = CustomerTable(types: fields.map(\.columnType), keep: keep)
            let checks = FieldChecks(file: file.name, fields: fields, columns: columns, keySlot: keySlot,
                                     kept: { table.keeps($0) || $0 == keySlot })
            // A column is named after the field that reads it, or its header.
            var names = reader.header
            for (slot, column) in columns.enumerated() { if let column { names[column] = fields[slot].spec.name } }
            let reading = DelimitedPieces.Reading(bytes: file.bytes, delimiter: reader.delimiter, width: reader.header.count,
                                                  checks: checks, keep: keep, keyHash: keyHash, lookup: keys.lookup,
                                                  columnNames: names)
            let (start, firstLine) = reader.dataStart
            let dataBytes = file.bytes.count - start
            // A few pieces per worker even out their speeds; one worker reads one piece.
            let size = pieceSize ?? (workers <= 1 ? dataBytes : max(1 << 20, dataBytes / (workers * 4) + 1))
            let cuts = file.bytes.withUnsafeBufferPointer { DelimitedPieces.cuts($0, from: start, size: size) }
            let pieces = DelimitedPieces.read(cuts, reading, firstLine: firstLine, workers: workers)
            // The first piece counts lines from the file's start, the others from their own.
            var end = firstLine + pieces[0].lineCount
            for piece in pieces.dropFirst() {
                offsets.append(end)
                end += piece.lineCount
            }
            // The verdict on the encoding, from every byte read.
            var firstFlaw: Int? = nil
            for piece in pieces {
                text.add(piece.text)
                firstFlaw = firstFlaw ?? piece.firstFlaw
            }
            try CustomerText.check(text, firstFlaw: firstFlaw, in: file)
            builders = pieces.map(\.builder)
            rejects = LoadAssembly.rejects(builders, keys: keys, lineOffsets: offsets, workers: workers) { _, origin, line in
                reading.keyCell(at: origin, line: line)
            }
        }
        _ = consume file
        return LoadAssembly.join(&builders, rejects, lineOffsets: offsets, workers: workers)
    }

    static func loadJSON(_ file: CustomerFile, fields: [FieldPlan], keySlot: Int, keep: Set<Int>?, keys: KeyCheck,
                         keyHash: @escaping @Sendable (Value) -> Int) throws(DataError) -> LoadResult {
        let raw = try rawJSON(file)
        let index = Dictionary(raw.columns.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        // A key missing from a JSON record is an empty cell, so absent columns are allowed.
        let columns = fields.map { index[$0.spec.header] }
        let table = CustomerTable(types: fields.map(\.columnType), keep: keep)
        let checks = FieldChecks(file: file.name, fields: fields, columns: columns, keySlot: keySlot,
                                 kept: { table.keeps($0) || $0 == keySlot })
        var builder = TableBuilder(checks: checks, keep: keep, keyHash: keyHash, lookup: keys.lookup)
        // A column is named after the field that reads it.
        var names: [String: String] = [:]
        for field in fields { names[field.spec.header] = field.spec.name }
        var builders: [TableBuilder] = []
        let rejects = file.bytes.withUnsafeBufferPointer { p in
            raw.records.withUnsafeBufferPointer { records in
                raw.cellTexts.withUnsafeBufferPointer { cellTexts in
                    raw.cellColumns.withUnsafeBufferPointer { cellColumns in
                        let cells = JSONCellStorage(texts: cellTexts, columns: cellColumns, names: raw.columns, bytes: p)
                        addJSON(records, cells, problems: raw.problems, names: names, key: fields[keySlot].spec.header, to: &builder)
                    }
                }
            }
            builders = [builder]
            // Duplicate keys come in file order: their places are found reading forward.
            var cursor: TextCursor? = nil
            return LoadAssembly.rejects(builders, keys: keys, lineOffsets: [0], workers: 1) { _, origin, line in
                let key = checks.keyColumn.flatMap { raw.cell(origin, $0) }.map(CellText.trimmed) ?? ""
                let record = raw.records[origin]
                let range = JSONLocator.members(named: fields[keySlot].spec.header, inObjectAt: record.offset, of: p).first?.value
                    ?? record.offset..<(record.offset + 1)
                if cursor == nil { cursor = TextCursor(at: record.offset, line: line, in: p) }
                cursor!.move(to: record.offset, onLine: line, in: p)
                return (key, DataPlace.of(range, in: p, cursor: &cursor!))
            }
        }
        return LoadAssembly.join(&builders, rejects, lineOffsets: [0], workers: 1)
    }

    /// What the batches of a JSON file share: the cells of every record, the column
    /// names and the file's bytes.
    private struct JSONCellStorage {
        let texts: UnsafeBufferPointer<String?>
        let columns: UnsafeBufferPointer<Int32>
        let names: [String]
        let bytes: UnsafeBufferPointer<UInt8>
    }

    /// Adds the records to `builder` in batches between the problems, so that rejects
    /// come in file order.
    private static func addJSON(_ records: UnsafeBufferPointer<RawRecord>, _ all: JSONCellStorage, problems: [RecordProblem],
                                names: [String: String], key: String, to builder: inout TableBuilder) {
        var problems = problems[...]
        func offset(_ problem: RecordProblem) -> Int { problem.recordStart ?? problem.range?.lowerBound ?? 0 }
        var first = 0
        while first < records.count {
            var end = first
            while end < records.count && (problems.first.map { offset($0) > records[end].offset } ?? true) { end += 1 }
            builder.add(JSONBatch(records: UnsafeBufferPointer(rebasing: records[first..<end]), first: first,
                                  texts: all.texts, columns: all.columns, names: all.names, bytes: all.bytes))
            first = end
            while let p = problems.first, first == records.count || offset(p) <= records[first].offset {
                reject(p, names: names, key: key, all.bytes, &builder)
                problems = problems.dropFirst()
            }
        }
        for p in problems { reject(p, names: names, key: key, all.bytes, &builder) }
    }

    /// A JSON record that never became a row, rejected under its own code, at the place
    /// at fault, with the customer's id when the record has a readable one.
    private static func reject(_ problem: RecordProblem, names: [String: String], key: String, _ p: UnsafeBufferPointer<UInt8>,
                               _ builder: inout TableBuilder) {
        var place: DataPlace? = nil
        if let range = problem.range {
            builder.moveCursor(to: problem.recordStart ?? range.lowerBound, line: problem.line, in: p)
            place = builder.place(range, in: p)
        }
        var id = ""
        if let start = problem.recordStart, let found = JSONLocator.members(named: key, inObjectAt: start, of: p).first,
           !(problem.range.map { found.value.overlaps($0) } ?? false) {
            id = JSONLocator.text(of: found.value, in: p).map(CellText.trimmed) ?? ""
        }
        switch problem.kind {
        case .unreadable:
            builder.rejectRow(line: problem.line, id: id, code: .malformedFile,
                              expected: "this record is not a JSON object: \(problem.message)", place: place)
        case .duplicateKey(let key):
            builder.rejectRow(line: problem.line, id: id, code: .duplicateJSONKey, expected: problem.message, field: key, place: place)
        case .flawedText(let flaw, let column, let value, let inKey):
            builder.rejectRow(Reject(file: builder.checks.file, line: problem.line, column: 0, customerID: id,
                                     field: inKey ? "" : names[column] ?? column, value: inKey ? column : value,
                                     expected: flaw.detail, code: flaw.isNul ? .nulByte : .invalidText, place: place))
        }
    }

    /// The hash of keys for the duplicate check. Any hash is right (a hit is confirmed
    /// by comparing the keys), so ASCII text, nearly every key, gets a cheap one; other
    /// values keep Swift's, which agrees with its Unicode-aware equality.
    static let keyHash: @Sendable (Value) -> Int = { value in
        if case .text(var text) = value, let hash = text.withUTF8(asciiHash) { return hash }
        return value.hashValue
    }

    /// FNV-1a over the bytes, mixed so that the high bits (`KeyIndex`'s buckets) vary
    /// too; nil for text that is not ASCII.
    static func asciiHash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            if b >= 0x80 { return nil }
            h = (h ^ UInt64(b)) &* 0x100_0000_01b3
        }
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        return Int(bitPattern: UInt(h))
    }

    // MARK: - Shared steps

    static func openDelimited(_ file: CustomerFile) throws(DataError) -> CSVReader {
        do {
            return try CSVReader(bytes: file.bytes, delimiter: file.format == .tsv ? .tab : nil)
        } catch {
            let place = file.bytes.withUnsafeBufferPointer { DataPlace.at(line: error.line, column: error.column, in: $0) }
            throw DataError(file: file.name, place: place, code: .malformedFile, message: error.message)
        }
    }

    static func rawJSON(_ file: CustomerFile) throws(DataError) -> RawTable {
        // INVARIANT: a JSON file is held in memory, not mapped (`CustomerFile.read`).
        if file.format == .jsonl { return JSONRecords.fromLines(bytes: file.bytes.asArray) }
        do {
            return try JSONRecords.fromArray(bytes: file.bytes.asArray)
        } catch {
            let place = file.bytes.withUnsafeBufferPointer { DataPlace.at(line: error.line, column: error.column, in: $0) }
            throw DataError(file: file.name, place: place, code: .malformedFile,
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
    /// with a suggestion. `place(i)`: the place of header name `i` (nil: of the header).
    static func columnsOf(_ fields: [FieldPlan], header: [String], file: String, place: (Int?) -> DataPlace,
                          duplicates: [String: Int]) throws(DataError) -> [Int?] {
        var index: [String: Int] = [:]
        index.reserveCapacity(header.count)
        for (i, name) in header.enumerated() where index[name] == nil { index[name] = i }
        var columns: [Int?] = []
        columns.reserveCapacity(fields.count)
        var missing: [FieldPlan] = []
        for field in fields {
            let name = field.spec.header
            if let column = duplicates[name] {
                throw DataError(file: file, place: place(column - 1), code: .duplicateHeader,
                                message: "the column `\(name)` appears twice in the header (columns \(index[name].map { $0 + 1 } ?? column) and \(column))",
                                help: "rename one of them, so it is clear which one `\(field.spec.name)` reads")
            }
            columns.append(index[name])
            if index[name] == nil { missing.append(field) }
        }
        guard !missing.isEmpty else { return columns }
        let names = missing.map { "`\($0.spec.header)`" }.joined(separator: ", ")
        // A header may have a million names: guess for a few fields, among names of a fitting length.
        let guesses = missing.prefix(10).compactMap { field in
            Suggest.closest(to: field.spec.header, among: nearNames(field.spec.header, header))
                .map { "`\(field.spec.name)` could read `\($0)` with `from \"\($0)\"`" }
        }
        let help = guesses.isEmpty
            ? "the header has \(header.prefix(15).map { "`\($0)`" }.joined(separator: ", "))"
            : "did you mean another column? " + guesses.joined(separator: "; ")
        throw DataError(file: file, place: place(nil), code: .missingColumn,
                        message: missing.count == 1 ? "the column \(names) is missing from the header"
                                                    : "the columns \(names) are missing from the header",
                        help: help)
    }
}

extension CustomerLoader {
    /// The header names a typo of `name` could have given: within a third of its length
    /// (as `Suggest` allows), and at most 10,000 of them, so that a suggestion costs a
    /// bounded time however wide the header is.
    static func nearNames(_ name: String, _ header: [String]) -> [String] {
        let length = name.unicodeScalars.count
        let limit = max(1, length / 3)
        var near: [String] = []
        for candidate in header where abs(candidate.unicodeScalars.count - length) <= limit {
            near.append(candidate)
            if near.count == 10_000 { break }
        }
        return near
    }
}
