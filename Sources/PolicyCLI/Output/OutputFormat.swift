import PolicyRuntime
import PolicyFiles

/// The output formats of `policy run`.
enum OutputFormat: String, CaseIterable {
    case csv, jsonl, json, table

    /// How the format writes one record.
    var encoder: any RecordEncoder {
        switch self {
        case .csv: CSVRecordEncoder()
        case .jsonl: JSONRecordEncoder(inArray: false)
        case .json: JSONRecordEncoder(inArray: true)
        case .table: TableCellEncoder()
        }
    }
}

/// Writes encoded records in one format: what comes before the first (a CSV
/// header, a JSON array's bracket), the records as they come, and what closes.
struct RecordOutput {
    let format: OutputFormat
    let sink: ByteSink
    let columns: [String]
    private var written = false
    private var table: TableLayout?

    init(_ format: OutputFormat, columns: [String], into sink: ByteSink) {
        self.format = format
        self.columns = columns
        self.sink = sink
        switch format {
        case .csv:
            var header = OutputBytes()
            CSVRecordEncoder().encode(columns, into: &header)
            sink.write(header.bytes())
        case .json: sink.write("[")
        case .jsonl: break
        case .table: table = TableLayout(columns: columns)
        }
    }

    /// Records encoded by `format.encoder`, in order.
    mutating func write(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        switch format {
        case .json where !written:
            // The first element loses the comma that separates it from the one before.
            sink.write(Array(bytes.dropFirst()))
        case .table: table?.add(bytes)
        default: sink.write(bytes)
        }
        written = true
    }

    /// Records given as text fields.
    mutating func write(fields: [String]) {
        var bytes = OutputBytes()
        format.encoder.encode(fields, into: &bytes)
        write(bytes.bytes())
    }

    func finish() {
        switch format {
        case .json: sink.write(written ? "\n]\n" : "]\n")
        case .table: table?.write(into: sink)
        case .csv, .jsonl: break
        }
    }
}
