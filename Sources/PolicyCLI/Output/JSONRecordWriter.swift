/// JSON Lines (one object per line) or a JSON array, with the CSV column names as
/// keys and empty values left out.
struct JSONRecordWriter: RecordWriter {
    let sink: ByteSink
    let array: Bool
    var columns: [String] = []
    var count = 0

    init(sink: ByteSink, array: Bool) {
        self.sink = sink
        self.array = array
    }

    mutating func begin(columns: [String]) {
        self.columns = columns
        if array { sink.write("[") }
    }

    mutating func write(_ fields: [String]) {
        var line = array ? (count == 0 ? "\n" : ",\n") : ""
        line += "{"
        var first = true
        for (name, value) in zip(columns, fields) where !value.isEmpty {
            if !first { line += "," }
            first = false
            line += Self.quote(name) + ":" + Self.quote(value)
        }
        line += array ? "}" : "}\n"
        sink.write(line)
        count += 1
    }

    mutating func finish() {
        if array { sink.write(count == 0 ? "]\n" : "\n]\n") }
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
