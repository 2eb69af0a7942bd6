import PolicyRuntime
import PolicyFiles

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
    mutating func finish()
}

extension OutputFormat {
    /// The encoder of a format written in parallel chunks; nil for formats that
    /// need the whole output at once (a JSON array, an aligned table).
    var chunkEncoder: (any RecordEncoder)? {
        switch self {
        case .csv: CSVRecordEncoder()
        case .jsonl: JSONLinesRecordEncoder()
        case .json, .table: nil
        }
    }
}
