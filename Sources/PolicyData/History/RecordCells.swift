import Glibc

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
    /// reads it: when the customer, rule, action, `as_of` and occasion cells hold no
    /// quote, and between them are `commas - 4` cells, each quoted whole (a quote
    /// opens it and closes it before a comma, `""` inside) or holding no quote.
    @inline(__always)
    init?(quoted record: UnsafeBufferPointer<UInt8>, shape: LineShape, commas: Int) {
        guard let base = record.baseAddress, shape.quotes, !shape.controls, commas >= 4, shape.commas >= commas else { return nil }
        let count = record.count
        // The cells at each end, found as in a plain record, then checked to hold no quote.
        // INVARIANT: the line has at least `commas` commas, so each search stops at one.
        afterCustomer = Self.comma(in: base, from: 0)
        afterRule = Self.comma(in: base, from: afterCustomer + 1)
        afterAction = Self.comma(in: base, from: afterRule + 1)
        afterAsOf = Self.comma(in: base, before: count)
        beforeAsOf = Self.comma(in: base, before: afterAsOf)
        guard beforeAsOf > afterAction, Self.find(0x22, in: base, afterAction) == afterAction,
              Self.find(0x22, in: base + beforeAsOf, count - beforeAsOf) == count - beforeAsOf else { return nil }
        // The cells between, each to its end.
        let end = beforeAsOf
        var i = afterAction + 1, cells = 0
        while true {
            cells += 1
            if i < end, base[i] == 0x22 {
                var quote = i + 1
                while true {
                    quote += Self.find(0x22, in: base + quote, end - quote)
                    guard quote < end else { return nil }
                    guard quote + 1 < end, base[quote + 1] == 0x22 else { break }
                    quote += 2
                }
                i = quote + 1
                guard i == end || base[i] == 0x2C else { return nil }
            } else {
                let comma = i + Self.find(0x2C, in: base + i, end - i)
                guard Self.find(0x22, in: base + i, comma - i) == comma - i else { return nil }
                i = comma
            }
            if i == end { break }
            i += 1
        }
        guard cells == commas - 4 else { return nil }
        self.base = base
    }

    /// Where the first `byte` is in `count` bytes from `base` (`count` when none is).
    @inline(__always)
    private static func find(_ byte: Int32, in base: UnsafePointer<UInt8>, _ count: Int) -> Int {
        guard count > 0, let found = memchr(base, byte, count) else { return max(count, 0) }
        return UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - base
    }

    var asOf: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base + beforeAsOf + 1, count: afterAsOf - beforeAsOf - 1) }
    var rule: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base + afterCustomer + 1, count: afterRule - afterCustomer - 1) }
    var action: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base + afterRule + 1, count: afterAction - afterRule - 1) }
    /// Whether the customer, the rule and the action are all there.
    var hasFirstCells: Bool { afterCustomer > 0 && afterRule > afterCustomer + 1 && afterAction > afterRule + 1 }
}
