#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

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

/// A line of a CSV file as the splitter first sees it, eight bytes at a time: how
/// long it is (up to its line end, or all the bytes when none comes), how many
/// commas it has, whether it holds a quote, whether a byte below 0x20 (a control
/// byte: NUL, CR, tab). Bytes of 0x80 and above, UTF-8's, are none of these.
struct LineShape {
    var length = 0
    var ended = false
    var commas = 0
    var quotes = false
    var controls = false

    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highs: UInt64 = 0x8080_8080_8080_8080
    /// Eight bytes that are none of those looked for.
    private static let filler: UInt64 = 0x6161_6161_6161_6161

    /// The line that starts at `base`, within `count` bytes: sixteen bytes at a time
    /// while no line end comes (on x86-64, unless not `wide`), then eight.
    init(_ base: UnsafePointer<UInt8>, _ count: Int, wide: Bool = true) {
        var i = 0
        #if arch(x86_64)
        if wide { i = chunks(base, count) }
        #endif
        // Commas are added up a byte lane each (one per word at most), then across the lanes.
        var commaLanes: UInt64 = 0, words = 0
        var quotes: UInt64 = 0, controls: UInt64 = 0
        let raw = UnsafeRawPointer(base)
        while !ended {
            var word: UInt64
            if i + 8 <= count {
                word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            } else {
                // The last bytes, in the low bytes of a word (little-endian), the rest filler.
                guard i < count else { break }
                word = Self.filler
                for k in 0..<(count - i) { word = (word & ~(0xFF << UInt64(8 * k))) | (UInt64(base[i + k]) << UInt64(8 * k)) }
            }
            // The lowest bit of this mask is exact: the first line end.
            let lineEnds = Self.zeroBytes(word ^ (Self.ones &* 0x0A))
            if lineEnds != 0 {
                let at = lineEnds.trailingZeroBitCount >> 3
                // The line end and what follows it read as filler.
                let kept = at == 0 ? 0 : UInt64.max >> UInt64(64 - 8 * at)
                word = (word & kept) | (Self.filler & ~kept)
                i += at
                ended = true
            } else {
                i += 8
            }
            commaLanes &+= Self.commaBytes(word) >> 7
            quotes |= Self.zeroBytes(word ^ (Self.ones &* 0x22))
            controls |= (word &- Self.ones &* 0x20) & ~word & Self.highs
            words += 1
            if words == 255 {
                commas += Self.sumLanes(commaLanes)
                commaLanes = 0
                words = 0
            }
            if ended { break }
        }
        commas += Self.sumLanes(commaLanes)
        length = min(i, count)
        self.quotes = self.quotes || quotes != 0
        self.controls = self.controls || controls != 0
    }

    #if arch(x86_64)
    /// Reads sixteen bytes at a time (SSE2, which every x86-64 has) up to the first
    /// that hold a line end; where it stopped.
    private mutating func chunks(_ base: UnsafePointer<UInt8>, _ count: Int) -> Int {
        var i = 0
        let lineEnd = _mm_set1_epi8(0x0A), comma = _mm_set1_epi8(0x2C), quote = _mm_set1_epi8(0x22)
        let belowSpace = _mm_set1_epi8(0x1F)
        // A comma's lane is all ones, -1: taking it away adds one, up to 255 a lane.
        var commaLanes = _mm_setzero_si128(), quotes = _mm_setzero_si128(), controls = _mm_setzero_si128()
        var rounds = 0
        let raw = UnsafeRawPointer(base)
        while i + 16 <= count {
            var chunk = _mm_loadu_si128(raw.advanced(by: i).assumingMemoryBound(to: __m128i.self))
            let lineEnds = _mm_movemask_epi8(_mm_cmpeq_epi8(chunk, lineEnd))
            if lineEnds != 0 {
                // The bytes from the line end on read as filler, none of those looked for.
                let at = Int(lineEnds.trailingZeroBitCount)
                let before = _mm_cmpgt_epi8(_mm_set1_epi8(Int8(at)), Self.laneNumbers)
                chunk = _mm_or_si128(_mm_and_si128(before, chunk), _mm_andnot_si128(before, _mm_set1_epi8(0x61)))
                i += at
                ended = true
            } else {
                i += 16
            }
            commaLanes = _mm_sub_epi8(commaLanes, _mm_cmpeq_epi8(chunk, comma))
            quotes = _mm_or_si128(quotes, _mm_cmpeq_epi8(chunk, quote))
            // Below 0x20: the smaller of the byte and 0x1F is the byte.
            controls = _mm_or_si128(controls, _mm_cmpeq_epi8(_mm_min_epu8(chunk, belowSpace), chunk))
            if ended { break }
            rounds += 1
            if rounds == 255 {
                commas += Self.sum(commaLanes)
                commaLanes = _mm_setzero_si128()
                rounds = 0
            }
        }
        commas += Self.sum(commaLanes)
        self.quotes = _mm_movemask_epi8(quotes) != 0
        self.controls = _mm_movemask_epi8(controls) != 0
        return i
    }

    /// 0, 1, ... 15, a lane each.
    private static let laneNumbers = _mm_set_epi8(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)

    /// The sixteen byte lanes of `lanes` added up.
    private static func sum(_ lanes: __m128i) -> Int {
        let halves = _mm_sad_epu8(lanes, _mm_setzero_si128())
        return Int(_mm_cvtsi128_si32(halves)) + Int(_mm_cvtsi128_si32(_mm_unpackhi_epi64(halves, halves)))
    }
    #endif

    /// Non-zero when a byte of `word` is zero (its lowest set bit marks the first).
    @inline(__always)
    static func zeroBytes(_ word: UInt64) -> UInt64 {
        (word &- ones) & ~word & highs
    }

    /// The high bit of each byte of `word` that is a comma: set exactly where a byte
    /// of `word ^ ",,,,,,,,"` is zero.
    @inline(__always)
    private static func commaBytes(_ word: UInt64) -> UInt64 {
        let x = word ^ (ones &* 0x2C)
        return ~(((x & ~highs) &+ ~highs) | x | ~highs)
    }

    /// The eight byte lanes of `lanes` added up.
    @inline(__always)
    private static func sumLanes(_ lanes: UInt64) -> Int {
        let pairs = (lanes & 0x00FF_00FF_00FF_00FF) &+ ((lanes >> 8) & 0x00FF_00FF_00FF_00FF)
        return Int((pairs &* 0x0001_0001_0001_0001) >> 48)
    }
}
