import PolicySyntax
import PolicyFiles

/// A table for reading in a terminal: columns padded to their widest cell (wide
/// CJK characters count twice). Held in memory until the end, to measure widths.
struct TableRecordWriter: RecordWriter {
    let sink: ByteSink
    var rows: [[String]] = []

    mutating func begin(columns: [String]) { rows.append(columns) }
    mutating func write(_ fields: [String]) {
        rows.append(fields.map { $0.replacingNewlines })
    }

    mutating func finish() {
        guard let header = rows.first else { return }
        var widths = header.map { _ in 0 }
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], Self.width(cell)) }
        }
        for (n, row) in rows.enumerated() {
            var line = ""
            for (i, cell) in row.enumerated() {
                let last = i == row.count - 1
                line += cell + (last ? "" : String(repeating: " ", count: widths[i] - Self.width(cell) + 2))
            }
            while line.hasSuffix(" ") { line.removeLast() }
            sink.write(line + "\n")
            if n == 0 {
                sink.write(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n")
            }
        }
    }

    static func width(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + DiagnosticRenderer.width($1) }
    }
}

extension String {
    var replacingNewlines: String {
        String(unicodeScalars.map { $0 == "\n" || $0 == "\r" ? " " : Character($0) })
    }
}
