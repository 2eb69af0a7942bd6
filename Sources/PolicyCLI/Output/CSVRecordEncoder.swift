import PolicyRuntime

/// Records as RFC 4180 CSV. A text cell a spreadsheet would run as a formula
/// (starting with `=` `+` `-` `@`, tab or CR) gets a leading `'`, as OWASP advises;
/// plain numbers such as `-5.00` are left alone.
///
/// The history file is read back by `policy` itself, so its cells are written as
/// they are (`neutralisesFormulas: false`): a customer id must come back unchanged.
struct CSVRecordEncoder: RecordEncoder {
    var neutralisesFormulas = true

    func field(_ index: Int, _ bytes: UnsafeBufferPointer<UInt8>, into out: inout OutputBytes) {
        if index > 0 { out.append(UInt8(ascii: ",")) }
        if neutralisesFormulas {
            Self.appendCell(bytes, into: &out)
        } else {
            Self.appendQuotedIfNeeded(bytes, into: &out)
        }
    }

    /// A cell as it is, in quotes (quotes doubled) when it holds a comma, a quote or a line break.
    static func appendQuotedIfNeeded(_ cell: UnsafeBufferPointer<UInt8>, into out: inout OutputBytes) {
        guard cell.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else {
            out.append(cell)
            return
        }
        out.append(0x22)
        for b in cell {
            out.append(b)
            if b == 0x22 { out.append(0x22) }
        }
        out.append(0x22)
    }

    func endRecord(into out: inout OutputBytes) {
        out.append(UInt8(ascii: "\n"))
    }

    /// No byte that needs quoting, and no formula character first.
    static func isPlain(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if let first = bytes.first, isFormulaStart(first) { return false }
        for b in bytes where b == 0x2C || b == 0x22 || b == 0x0A || b == 0x0D { return false }
        return true
    }

    /// Appends a cell: as it is, or with a `'` before a formula, in quotes (quotes
    /// doubled) when it holds a comma, a quote or a line break.
    static func appendCell(_ cell: UnsafeBufferPointer<UInt8>, into out: inout OutputBytes) {
        if isPlain(cell) {
            out.append(cell)
            return
        }
        let formula = cell.first.map(isFormulaStart) == true && !isPlainNumber(cell)
        let needsQuotes = cell.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
        if needsQuotes { out.append(0x22) }
        if formula { out.append(UInt8(ascii: "'")) }
        for b in cell {
            out.append(b)
            if b == 0x22 { out.append(0x22) }
        }
        if needsQuotes { out.append(0x22) }
    }

    /// `=` `+` `-` `@`, tab or CR: how a formula can start.
    @inline(__always)
    static func isFormulaStart(_ b: UInt8) -> Bool {
        b == 0x3D || b == 0x2B || b == 0x2D || b == 0x40 || b == 0x09 || b == 0x0D
    }

    /// `-5`, `+3.50`, `-12%`: numbers, not formulas.
    static func isPlainNumber(_ cell: UnsafeBufferPointer<UInt8>) -> Bool {
        var bytes = cell[...]
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
