import PolicyRuntime

/// Action records as bytes, for the formats written in parallel chunks (CSV and
/// JSON Lines). Pure functions of one record: safe on any thread, and a chunk's
/// bytes do not depend on which thread encoded it.
enum RecordEncoding {
    static func csv(_ r: ActionRecord, into bytes: inout [UInt8]) {
        csvCell(r.customerID, &bytes); bytes.append(0x2C)
        csvCell(r.rule, &bytes); bytes.append(0x2C)
        csvCell(r.action, &bytes); bytes.append(0x2C)
        csvCell(r.value, &bytes); bytes.append(0x2C)
        csvCell(r.channel, &bytes); bytes.append(0x2C)
        csvCell(r.due, &bytes); bytes.append(0x2C)
        csvCell(r.severity, &bytes); bytes.append(0x2C)
        csvCell(r.message, &bytes); bytes.append(0x0A)
    }

    /// The common cell is copied as it is; one that needs quoting or starts like a
    /// formula goes through `CSVRecordWriter.cell`.
    @inline(__always)
    static func csvCell(_ text: String, _ bytes: inout [UInt8]) {
        let plain = text.utf8.withContiguousStorageIfAvailable(CSVRecordWriter.isPlain) ?? CSVRecordWriter.isPlain(Array(text.utf8))
        bytes.append(contentsOf: (plain ? text : CSVRecordWriter.cell(text)).utf8)
    }

    static func jsonl(_ r: ActionRecord, into bytes: inout [UInt8]) {
        var line = "{"
        var first = true
        for (name, value) in zip(ActionRecord.columns, r.fields) where !value.isEmpty {
            if !first { line += "," }
            first = false
            line += JSONRecordWriter.quote(name) + ":" + JSONRecordWriter.quote(value)
        }
        line += "}\n"
        bytes.append(contentsOf: line.utf8)
    }
}
