import PolicyRuntime

/// The output formats of `policy run`.
enum OutputFormat: String, CaseIterable {
    case csv, jsonl, json, table

    func writer(into sink: ByteSink) -> any RecordWriter {
        switch self {
        case .csv: CSVRecordWriter(sink: sink)
        case .jsonl: JSONRecordWriter(sink: sink, array: false)
        case .json: JSONRecordWriter(sink: sink, array: true)
        case .table: TableRecordWriter(sink: sink)
        }
    }
}

/// Writes action records (or any rows with named columns) in one format.
protocol RecordWriter {
    mutating func begin(columns: [String])
    mutating func write(_ fields: [String])
    /// One action record; formats with a faster path than `write(_:)` override it.
    mutating func write(record: ActionRecord)
    mutating func finish()
}

extension RecordWriter {
    mutating func write(record: ActionRecord) { write(record.fields) }
}
