import PolicyFiles

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
        var text = text
        var bytes: [UInt8] = []
        text.withUTF8 { appendQuoted($0, into: &bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends a JSON string: quotes, backslashes and control characters escaped,
    /// everything else (UTF-8 included) as it is.
    static func appendQuoted(_ text: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in text {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0xF)])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
