// One pass over raw bytes that finds what is not UTF-8 text: invalid sequences and NUL
// bytes. Clean ASCII goes sixteen bytes at a time, so a file without a flaw costs
// little more than reading it.

/// What a pass over bytes found, for the verdict on the file's encoding.
struct TextCounts: Sendable, Equatable {
    /// Bytes looked at.
    var bytes = 0
    /// Valid UTF-8 sequences of two to four bytes.
    var multibyte = 0
    /// Invalid sequences, each maximal invalid part counted once.
    var invalid = 0
    /// NUL bytes (0x00).
    var nuls = 0
    /// Runs of bytes 0x80 and above that hold an invalid sequence: one byte long (as
    /// an accented letter of Latin-1 between ASCII letters), or longer (as the pairs of
    /// GB18030).
    var loneHighRuns = 0, longHighRuns = 0

    mutating func add(_ other: TextCounts) {
        bytes += other.bytes
        multibyte += other.multibyte
        invalid += other.invalid
        nuls += other.nuls
        loneHighRuns += other.loneHighRuns
        longHighRuns += other.longHighRuns
    }
}

/// The scan, and the helpers that describe and escape what it finds.
enum TextScan {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Scans `p[range]`, adding to `counts` and appending to `flaws` the offset of each
    /// NUL byte and of the first byte of each invalid sequence, ascending (at most
    /// `maxFlaws` of them). With `endMayBeCut`, a sequence cut short by the end of the
    /// range is not counted (the range is the first block of a longer file).
    ///
    /// A valid UTF-8 sequence never holds a line feed, so ranges cut just after line
    /// feeds can be scanned apart (and in parallel) with the result of one scan.
    static func scan(_ p: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, counts: inout TextCounts,
                     flaws: inout [Int], maxFlaws: Int = .max, endMayBeCut: Bool = false) {
        let end = min(range.upperBound, p.count)
        var i = max(0, range.lowerBound)
        guard let base = p.baseAddress, i < end else { return }
        counts.bytes += end - i
        var run = HighRun()
        /// Where the last sequence of bytes 0x80 and above ended: a run goes on only from there.
        var runEnd = -1
        while i < end {
            // Eight bytes at a time while every byte is 0x01...0x7F: `w | (w - 0x01..)` has
            // a high bit set where a byte is 0x80 or more or a zero byte borrowed, and the
            // lowest flag is exact (a borrow only moves flags upward), so it says where to stop.
            var stopped = false
            while i &+ 16 <= end {
                let a = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                let b = UnsafeRawPointer(base + i + 8).loadUnaligned(as: UInt64.self)
                let fa = (a | (a &- ones)) & highs, fb = (b | (b &- ones)) & highs
                if fa | fb != 0 {
                    i &+= fa != 0 ? fa.trailingZeroBitCount >> 3 : 8 + fb.trailingZeroBitCount >> 3
                    stopped = true
                    break
                }
                i &+= 16
            }
            if !stopped {
                while i < end, p[i] != 0, p[i] < 0x80 { i += 1 }
                guard i < end else { break }
            }
            if i != runEnd, run.length > 0 { run.close(into: &counts) }
            if p[i] == 0 {
                counts.nuls += 1
                if flaws.count < maxFlaws { flaws.append(i) }
                i += 1
                continue
            }
            // A stretch of sequences, up to the next byte below 0x80.
            repeat {
                let c = p[i]
                // The commonest first: two bytes, and three without a special range (most CJK).
                if c >= 0xC2 && c <= 0xDF && i + 1 < end && p[i + 1] & 0xC0 == 0x80 {
                    counts.multibyte += 1
                    run.length += 2
                    i += 2
                    continue
                }
                if c >= 0xE1 && c <= 0xEF && c != 0xED && i + 2 < end && p[i + 1] & 0xC0 == 0x80 && p[i + 2] & 0xC0 == 0x80 {
                    counts.multibyte += 1
                    run.length += 3
                    i += 3
                    continue
                }
                let (length, valid) = sequence(p, at: i, end: end)
                if valid {
                    counts.multibyte += 1
                } else if endMayBeCut && i + length == end && length < expectedLength(c) {
                    i = end
                    break
                } else {
                    counts.invalid += 1
                    run.isBad = true
                    if flaws.count < maxFlaws { flaws.append(i) }
                }
                run.length += length
                i += length
            } while i < end && p[i] >= 0x80
            runEnd = i
        }
        if run.length > 0 { run.close(into: &counts) }
    }

    /// The run of bytes 0x80 and above being scanned.
    private struct HighRun {
        var length = 0
        var isBad = false

        mutating func close(into counts: inout TextCounts) {
            if isBad { if length == 1 { counts.loneHighRuns += 1 } else { counts.longHighRuns += 1 } }
            length = 0
            isBad = false
        }
    }

    /// The sequence that starts at `i` with a byte of 0x80 or more: its length and
    /// whether it is valid UTF-8 (Unicode table 3-7). An invalid one is its maximal
    /// part: the lead byte and the continuation bytes that were still possible.
    @inline(__always)
    static func sequence(_ p: UnsafeBufferPointer<UInt8>, at i: Int, end: Int) -> (length: Int, valid: Bool) {
        let c = p[i]
        var low: UInt8 = 0x80, high: UInt8 = 0xBF
        let need: Int
        switch c {
        case 0xC2...0xDF: need = 1
        case 0xE0: need = 2; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: need = 2
        case 0xED: need = 2; high = 0x9F
        case 0xF0: need = 3; low = 0x90
        case 0xF1...0xF3: need = 3
        case 0xF4: need = 3; high = 0x8F
        default: return (1, false)
        }
        guard i + 1 < end, p[i + 1] >= low, p[i + 1] <= high else { return (1, false) }
        var k = 2
        while k <= need {
            guard i + k < end, p[i + k] & 0xC0 == 0x80 else { return (k, false) }
            k += 1
        }
        return (need + 1, true)
    }

    /// The length of a sequence with lead byte `c` (1 for a byte that leads none).
    static func expectedLength(_ c: UInt8) -> Int {
        switch c {
        case 0xC2...0xDF: 2
        case 0xE0...0xEF: 3
        case 0xF0...0xF4: 4
        default: 1
        }
    }

    /// Whether `bytes` are UTF-8 text without a NUL byte.
    static func isText(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var counts = TextCounts()
        var flaws: [Int] = []
        scan(bytes, 0..<bytes.count, counts: &counts, flaws: &flaws, maxFlaws: 1)
        return flaws.isEmpty
    }

    /// The bytes as text for a message: valid UTF-8 as it is, every other byte (and
    /// NUL) written `\xHH`, so that nothing is shown as U+FFFD.
    static func escaped(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        if isText(bytes) { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        var i = 0
        while i < bytes.count {
            let c = bytes[i]
            if c != 0 && c < 0x80 {
                out.append(c)
                i += 1
                continue
            }
            let (length, valid) = c == 0 ? (1, false) : sequence(bytes, at: i, end: bytes.count)
            if valid {
                out.append(contentsOf: bytes[i..<(i + length)])
            } else {
                for b in bytes[i..<(i + length)] { out.append(contentsOf: hex(b).utf8) }
            }
            i += length
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `\xFF` for 0xFF.
    static func hex(_ b: UInt8) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        return String(decoding: [ReaderByte.backslash, UInt8(ascii: "x"), digits[Int(b >> 4)], digits[Int(b & 0xF)]], as: UTF8.self)
    }
}

/// A place where text is not valid: a byte that is not UTF-8, a NUL, or (in JSON) an
/// escape that stands for no text.
public struct TextFlaw: Sendable, Equatable {
    /// What is wrong at `offset`.
    public enum Kind: Sendable, Equatable {
        /// A byte that starts no valid UTF-8 sequence (or a sequence cut short).
        case invalidByte(UInt8)
        /// A NUL byte, 0x00.
        case nulByte
        /// The JSON escape `\u0000`.
        case escapedNul
        /// A JSON escape `\uD800`–`\uDFFF` without its other half.
        case loneSurrogate(UInt32)
    }

    public var kind: Kind
    /// 0-based byte offset in the file (of the escape's backslash, for an escape).
    public var offset: Int

    /// Creates a flaw.
    public init(kind: Kind, offset: Int) {
        self.kind = kind
        self.offset = offset
    }

    /// The flaw at `offset` of `p`, found by ``TextScan``.
    static func at(_ offset: Int, in p: UnsafeBufferPointer<UInt8>) -> TextFlaw {
        let byte = offset < p.count ? p[offset] : 0
        return TextFlaw(kind: byte == 0 ? .nulByte : .invalidByte(byte), offset: offset)
    }

    /// True for a NUL, written or escaped; false for text that is not UTF-8.
    public var isNul: Bool {
        switch kind {
        case .nulByte, .escapedNul: true
        case .invalidByte, .loneSurrogate: false
        }
    }

    /// `byte 0xFF`.
    static func byteName(_ b: UInt8) -> String {
        let digits = String(b, radix: 16, uppercase: true)
        return "byte 0x" + (digits.count < 2 ? "0" + digits : digits)
    }

    /// What and where, for a message: `byte 0xFF at offset 1234`.
    public var detail: String {
        switch kind {
        case .invalidByte(let b):
            return "\(Self.byteName(b)) at offset \(offset)"
        case .nulByte:
            return "a NUL byte (0x00) at offset \(offset)"
        case .escapedNul:
            return "a NUL character, written \\u0000 at offset \(offset)"
        case .loneSurrogate(let unit):
            return "half of a surrogate pair, written \\u\(String(unit, radix: 16, uppercase: true)) at offset \(offset)"
        }
    }
}
