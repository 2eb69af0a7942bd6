#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

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
    @inline(__always)
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
    @inline(__always)
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
