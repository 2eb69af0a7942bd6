/// The cells of a one-line history record that a reading needs (the customer, the
/// rule, the action and `as_of`), found without cutting the others out or
/// unquoting anything. The splitter looks at each line eight bytes at a time as it
/// looks for its end (`LineShape`): a line with neither quote nor control byte has
/// its cells between its commas; a line with quotes (a message holding a comma) is
/// read byte by byte. A record that is neither takes the general way (cut into
/// cells, unquoted), as does one whose needed cells are quoted.
struct RecordCells {
    let base: UnsafePointer<UInt8>
    /// Where the commas after the first three cells are, and the two around `as_of`.
    let afterCustomer: Int, afterRule: Int, afterAction: Int
    let beforeAsOf: Int, afterAsOf: Int

    /// The cells of a line with neither quote nor control byte and exactly `commas`
    /// commas (`shape`'s), as many as a history record has (at least four).
    @inline(__always)
    init?(plain record: UnsafeBufferPointer<UInt8>, shape: LineShape, commas: Int) {
        guard let base = record.baseAddress, !shape.quotes, !shape.controls, shape.commas == commas, commas >= 4 else {
            return nil
        }
        self.base = base
        // INVARIANT: there are `commas` commas, so each search below stops at one.
        afterCustomer = Self.comma(in: base, from: 0)
        afterRule = Self.comma(in: base, from: afterCustomer + 1)
        afterAction = Self.comma(in: base, from: afterRule + 1)
        afterAsOf = Self.comma(in: base, before: record.count)
        beforeAsOf = Self.comma(in: base, before: afterAsOf)
    }

    /// The first comma from `start` on, eight bytes at a time (there is one).
    @inline(__always)
    private static func comma(in base: UnsafePointer<UInt8>, from start: Int) -> Int {
        var i = start
        while true {
            let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            let commas = LineShape.zeroBytes(word ^ (LineShape.ones &* 0x2C))
            if commas != 0 { return i + commas.trailingZeroBitCount >> 3 }
            i += 8
        }
    }

    /// The last comma before `end`, a byte at a time (the cells at the end are short; there is one).
    @inline(__always)
    private static func comma(in base: UnsafePointer<UInt8>, before end: Int) -> Int {
        var j = end - 1
        while base[j] != 0x2C { j -= 1 }
        return j
    }

    /// The cells of a line with quotes and no control byte, read as the general way
    /// reads it: when it has `commas + 1` cells, each quote opens a cell or closes
    /// one (before a comma or the end) or is doubled inside one, and the customer,
    /// rule, action and `as_of` cells are not quoted (`as_of` the next to last).
    init?(quoted record: UnsafeBufferPointer<UInt8>, shape: LineShape, commas: Int) {
        guard let base = record.baseAddress, shape.quotes, !shape.controls, commas >= 4 else { return nil }
        let count = record.count
        var first = (0, 0, 0), beforeLast = -1, last = -1
        var cell = 0, i = 0, cellStart = 0
        while i < count {
            let byte = base[i]
            if byte == 0x22 {
                // A quoted cell: it starts here and is not one of those read.
                guard i == cellStart, cell > 2, cell != commas - 1 else { return nil }
                i += 1
                while true {
                    guard i < count else { return nil }
                    if base[i] == 0x22 {
                        if i + 1 < count, base[i + 1] == 0x22 {
                            i += 2
                            continue
                        }
                        break
                    }
                    i += 1
                }
                // The closing quote ends the cell.
                i += 1
                guard i == count || base[i] == 0x2C else { return nil }
                continue
            }
            if byte == 0x2C {
                guard cell < commas else { return nil }
                switch cell {
                case 0: first.0 = i
                case 1: first.1 = i
                case 2: first.2 = i
                default: break
                }
                beforeLast = last
                last = i
                cell += 1
                cellStart = i + 1
            }
            i += 1
        }
        guard cell == commas else { return nil }
        self.base = base
        (afterCustomer, afterRule, afterAction) = first
        (beforeAsOf, afterAsOf) = (beforeLast, last)
    }

    var asOf: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base + beforeAsOf + 1, count: afterAsOf - beforeAsOf - 1) }
    var rule: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base + afterCustomer + 1, count: afterRule - afterCustomer - 1) }
    var action: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base + afterRule + 1, count: afterAction - afterRule - 1) }
    /// Whether the customer, the rule and the action are all there.
    var hasFirstCells: Bool { afterCustomer > 0 && afterRule > afterCustomer + 1 && afterAction > afterRule + 1 }
}
