/// RFC 4180 output. A text cell a spreadsheet would run as a formula (starting
/// with `=` `+` `-` `@`, tab or CR) gets a leading `'`, as OWASP advises; plain
/// numbers such as `-5.00` are left alone.
struct CSVRecordWriter: RecordWriter {
    let sink: ByteSink

    mutating func begin(columns: [String]) { write(columns) }

    mutating func write(_ fields: [String]) {
        var line = ""
        for (i, field) in fields.enumerated() {
            if i > 0 { line += "," }
            line += Self.cell(field)
        }
        line += "\n"
        sink.write(line)
    }

    mutating func finish() {}

    /// No byte that needs quoting, and no formula character first.
    static func isPlain(_ bytes: some Collection<UInt8>) -> Bool {
        if let first = bytes.first, isFormulaStart(first) { return false }
        for b in bytes where b == 0x2C || b == 0x22 || b == 0x0A || b == 0x0D { return false }
        return true
    }

    static func cell(_ raw: String) -> String {
        var text = raw
        if let first = text.utf8.first, isFormulaStart(first), !isPlainNumber(text) {
            text = "'" + text
        }
        let needsQuotes = text.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
        if !needsQuotes { return text }
        var quoted = "\""
        for c in text.unicodeScalars {
            if c == "\"" { quoted += "\"\"" } else { quoted.unicodeScalars.append(c) }
        }
        return quoted + "\""
    }

    /// `=` `+` `-` `@`, tab or CR: how a formula can start.
    @inline(__always)
    static func isFormulaStart(_ b: UInt8) -> Bool {
        b == 0x3D || b == 0x2B || b == 0x2D || b == 0x40 || b == 0x09 || b == 0x0D
    }

    /// `-5`, `+3.50`, `-12%`: numbers, not formulas.
    static func isPlainNumber(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        if let f = bytes.first, f == UInt8(ascii: "-") || f == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        if bytes.last == UInt8(ascii: "%") { bytes = bytes.dropLast() }
        var dots = 0
        guard !bytes.isEmpty else { return false }
        for b in bytes {
            if b == UInt8(ascii: ".") { dots += 1 } else if b < 48 || b > 57 { return false }
        }
        return dots <= 1
    }
}
