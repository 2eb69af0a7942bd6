import PolicyRuntime

/// Action records as bytes, for the formats written in parallel chunks (CSV and
/// JSON Lines). Pure functions of one record: safe on any thread, and a chunk's
/// bytes do not depend on which thread encoded it.
enum RecordEncoding {
    /// The common cell is copied as it is; one that needs quoting or starts like a
    /// formula goes through `CSVRecordWriter.cell`.
    static func csv(_ r: RecordFields, into bytes: inout [UInt8]) {
        r.forEachField { i, cell in
            if i > 0 { bytes.append(0x2C) }
            if CSVRecordWriter.isPlain(cell) {
                bytes.append(contentsOf: cell)
            } else if let first = cell.first, !CSVRecordWriter.isFormulaStart(first) {
                // Quoted, with quotes doubled: what `cell` gives when no `'` is needed.
                bytes.append(0x22)
                for b in cell {
                    bytes.append(b)
                    if b == 0x22 { bytes.append(0x22) }
                }
                bytes.append(0x22)
            } else {
                bytes.append(contentsOf: CSVRecordWriter.cell(String(decoding: cell, as: UTF8.self)).utf8)
            }
        }
        bytes.append(0x0A)
    }

    static func jsonl(_ r: RecordFields, into bytes: inout [UInt8]) {
        var line = "{"
        var first = true
        r.forEachField { i, cell in
            guard !cell.isEmpty else { return }
            if !first { line += "," }
            first = false
            line += JSONRecordWriter.quote(ActionRecord.columns[i]) + ":" + JSONRecordWriter.quote(String(decoding: cell, as: UTF8.self))
        }
        line += "}\n"
        bytes.append(contentsOf: line.utf8)
    }
}
