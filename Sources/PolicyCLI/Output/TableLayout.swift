import PolicySyntax
import PolicyRuntime
import PolicyFiles

/// Records as cells for `TableLayout`: each field its length (4 bytes) and its
/// bytes, line breaks as spaces; nothing between records (each has every field).
struct TableCellEncoder: RecordEncoder {
    func field(_ index: Int, _ bytes: UnsafeBufferPointer<UInt8>, into out: inout OutputBytes) {
        let count = UInt32(bytes.count)
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: count >> UInt32(shift))) }
        for b in bytes { out.append(b == 0x0A || b == 0x0D ? 0x20 : b) }
    }

    func endRecord(into out: inout OutputBytes) {}
}

/// A table for reading in a terminal: columns padded to their widest cell (wide
/// CJK characters count twice). Held in memory until the end, to measure widths.
struct TableLayout {
    let columns: [String]
    var rows: [[String]] = []

    init(columns: [String]) {
        self.columns = columns
    }

    /// Takes records encoded by `TableCellEncoder`.
    mutating func add(_ bytes: [UInt8]) {
        var i = 0
        var row: [String] = []
        while i + 4 <= bytes.count {
            var count = 0
            for k in 0..<4 { count |= Int(bytes[i + k]) << (8 * k) }
            row.append(String(decoding: bytes[(i + 4)..<(i + 4 + count)], as: UTF8.self))
            i += 4 + count
            if row.count == columns.count {
                rows.append(row)
                row.removeAll(keepingCapacity: true)
            }
        }
    }

    func write(into sink: ByteSink) {
        let all = [columns] + rows
        var widths = columns.map { _ in 0 }
        for row in all {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], Self.width(cell)) }
        }
        for (n, row) in all.enumerated() {
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
