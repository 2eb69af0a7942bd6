import PolicyValues
import PolicySemantics
import PolicyRuntime

/// Infers the fields of a file when the policy has no `customer` block: the first
/// column is the key (text, so `0001` keeps its zeros), every column may be empty,
/// and a column gets a type only if every value reads back exactly as written
/// (`08123` stays text, `12.50` stays text rather than print as 12.5).
public enum SchemaInference {
    ///
    /// Every column must have a name: an unnamed column (an empty header name, a JSON
    /// key `""`) is an error rather than a column quietly left out, and so is a file
    /// with no columns at all. Linear in the number of columns and cells.
    ///
    /// The file's text is checked as the loader checks it (encoding, header names);
    /// rows that the loader will reject for text that is not UTF-8 are left out of
    /// the guesses.
    public static func infer(_ file: CustomerFile) throws(DataError) -> Schema {
        let file = try CustomerText.prepare(file)
        var header: [String]
        var guesses: [Guess]
        /// Where a column's name is, for a message.
        let place: (Int) -> DataPlace
        switch file.format {
        case .csv, .tsv:
            var reader = try CustomerLoader.openDelimited(file)
            var text = try CustomerText.checkHeader(reader, file: file)
            header = reader.header
            place = { [reader] in reader.headerPlace($0) }
            guesses = Array(repeating: Guess(), count: header.count)
            var record = CSVRecord()
            var firstFlaw: Int? = nil
            var flaws: [Int] = []
            var start = reader.dataStart.position
            while (try? reader.next(into: &record)) == true {
                let end = reader.dataStart.position
                file.bytes.withUnsafeBufferPointer { TextScan.scan($0, start..<end, counts: &text, flaws: &flaws, maxFlaws: 1) }
                start = end
                if let flaw = flaws.first {
                    firstFlaw = firstFlaw ?? flaw
                    flaws.removeAll()
                    continue
                }
                for (i, field) in record.fields.enumerated() where i < guesses.count {
                    guesses[i].see(reader.withFieldBytes(field) { String(decoding: CellText.trimmed($0), as: UTF8.self) })
                }
            }
            file.bytes.withUnsafeBufferPointer { TextScan.scan($0, start..<$0.count, counts: &text, flaws: &flaws, maxFlaws: 1) }
            try CustomerText.check(text, firstFlaw: firstFlaw ?? flaws.first, in: file)
        case .json, .jsonl:
            try CustomerText.checkWhole(file)
            let raw = try CustomerLoader.rawJSON(file)
            header = raw.columns
            place = { column in
                // The key in the first record that has it.
                file.bytes.withUnsafeBufferPointer { p in
                    let (line, record) = (raw.columnLines[column], raw.columnRecords[column])
                    let key = JSONLocator.members(named: raw.columns[column], inObjectAt: record, of: p).first?.key
                    var cursor = TextCursor(at: record, line: line, in: p)
                    return DataPlace.of(key ?? record..<(record + 1), in: p, cursor: &cursor)
                }
            }
            guesses = Array(repeating: Guess(), count: header.count)
            raw.cellColumns.withUnsafeBufferPointer { stored in
                for record in raw.records {
                    let columns = RawCellColumns(record, in: stored)
                    for k in 0..<columns.count where columns[k] < guesses.count {
                        if let cell = raw.cellTexts[record.cells.lowerBound + k] { guesses[columns[k]].see(CellText.trimmed(cell)) }
                    }
                }
            }
        }
        guard !header.isEmpty else {
            let start = file.bytes.withUnsafeBufferPointer { DataPlace.at(line: 1, column: 1, in: $0) }
            throw DataError(file: file.name, place: start, code: .noColumns,
                            message: "the file has no columns to infer the customer fields from",
                            help: "give the file a header (or JSON records with keys), or declare the fields in a `customer` block")
        }
        if let unnamed = header.indices.first(where: { !isNamed(header[$0], json: file.format == .json || file.format == .jsonl) }) {
            let name = header[unnamed]
            let which = file.format == .csv || file.format == .tsv ? "column \(unnamed + 1) of the header has no name"
                : CellText.isBlank(name) ? "a JSON key is empty" : "the JSON column `\(name)` comes from an empty key"
            throw DataError(file: file.name, place: place(unnamed), code: .unnamedColumn,
                            message: "\(which), so no field can be inferred for it",
                            help: file.format == .csv || file.format == .tsv
                                ? "name every column in the header, or declare the fields in a `customer` block"
                                : "give every JSON key a name, or declare the fields in a `customer` block")
        }
        var fields: [FieldSpec] = []
        var seen: Set<String> = []
        fields.reserveCapacity(header.count)
        for (i, name) in header.enumerated() where seen.insert(name).inserted {
            let isKey = i == 0
            fields.append(FieldSpec(name: name, type: isKey ? .text : guesses[i].type, optional: !isKey, isKey: isKey))
        }
        return Schema(fields: fields, keySlot: 0, inferred: true)
    }

    /// Whether a column has a name: not empty after trimming spaces; in JSON, no empty
    /// key at any level either (`{"a": {"": 1}}` gives the column `a.`).
    static func isNamed(_ name: String, json: Bool) -> Bool {
        guard !CellText.isBlank(name) else { return false }
        guard json else { return true }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { !CellText.isBlank(String($0)) }
    }

    /// What the values of one column could be, narrowed with every value seen.
    struct Guess {
        var int = true, number = true, date = true, bool = true
        var seen = false

        mutating func see(_ text: String) {
            guard !text.isEmpty else { return }
            seen = true
            let bytes = Array(text.utf8)
            if int { int = Self.isCanonicalInteger(bytes) }
            if number { number = Self.isCanonicalDecimal(bytes) }
            if date { date = bytes.withUnsafeBufferPointer { CivilDate(isoDateTimeUTF8: $0) != nil } }
            if bool { bool = text == "true" || text == "false" }
        }

        var type: FieldType {
            guard seen else { return .text }
            if int { return .int }
            if number { return .number }
            if date { return .date }
            if bool { return .bool }
            return .text
        }

        /// `0`, `-12`, `345`: no sign other than `-`, no leading zeros.
        static func isCanonicalInteger(_ b: [UInt8]) -> Bool {
            var digits = b[...]
            if digits.first == UInt8(ascii: "-") { digits = digits.dropFirst() }
            guard let first = digits.first, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return false }
            return first != UInt8(ascii: "0") || digits.count == 1
        }

        /// An integer, or one with a fraction that does not end in 0.
        static func isCanonicalDecimal(_ b: [UInt8]) -> Bool {
            guard let dot = b.firstIndex(of: UInt8(ascii: ".")) else { return isCanonicalInteger(b) }
            let whole = Array(b[..<dot]), fraction = b[(dot + 1)...]
            return (isCanonicalInteger(whole) || whole == [UInt8(ascii: "-"), UInt8(ascii: "0")])
                && !fraction.isEmpty && fraction.allSatisfy { $0 >= 48 && $0 <= 57 } && fraction.last != UInt8(ascii: "0")
        }
    }
}
