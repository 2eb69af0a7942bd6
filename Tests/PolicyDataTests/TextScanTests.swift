import Testing
@testable import PolicyData

/// The scan for bytes that are not text, held to the standard library's own UTF-8
/// decoding: the same sequences found invalid, counted the same way.
struct TextScanTests {
    func scan(_ bytes: [UInt8], _ range: Range<Int>? = nil, endMayBeCut: Bool = false) -> (TextCounts, [Int]) {
        var counts = TextCounts()
        var flaws: [Int] = []
        bytes.withUnsafeBufferPointer {
            TextScan.scan($0, range ?? 0..<$0.count, counts: &counts, flaws: &flaws, endMayBeCut: endMayBeCut)
        }
        return (counts, flaws)
    }

    /// What the standard library makes of `bytes`: U+FFFD for each maximal invalid
    /// part, and the scalars of two bytes or more.
    func reference(_ bytes: [UInt8]) -> (invalid: Int, multibyte: Int, nuls: Int) {
        let scalars = String(decoding: bytes, as: UTF8.self).unicodeScalars
        return (scalars.filter { $0 == "\u{FFFD}" }.count, scalars.filter { $0.value >= 0x80 && $0 != "\u{FFFD}" }.count,
                bytes.filter { $0 == 0 }.count)
    }

    @Test func randomBytesAreJudgedAsTheStandardLibraryDoes() {
        var random: UInt64 = 42
        func next() -> UInt8 {
            random = random &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: random >> 33)
        }
        // Mostly ASCII with bursts of high bytes and valid sequences, at every alignment.
        let pieces: [[UInt8]] = [Array("é".utf8), Array("中".utf8), Array("😀".utf8), [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
                                 [0xE0, 0x80], [0xC0, 0xAF], [0xF0, 0x9F, 0x98], [0xFF], [0x80, 0x80], [0], Array("abcdefghijklmnopq".utf8)]
        for _ in 0..<2_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(next() % 12) {
                if next() % 3 == 0 { bytes.append(next()) } else { bytes += pieces[Int(next()) % pieces.count] }
            }
            let (counts, flaws) = scan(bytes)
            let expected = reference(bytes)
            #expect(counts.invalid == expected.invalid, "\(bytes)")
            #expect(counts.multibyte == expected.multibyte, "\(bytes)")
            #expect(counts.nuls == expected.nuls)
            #expect(counts.bytes == bytes.count)
            #expect(flaws.count == expected.invalid + expected.nuls)
            #expect(flaws == flaws.sorted())
            #expect(bytes.withUnsafeBufferPointer(TextScan.isText) == (expected.invalid + expected.nuls == 0))
        }
    }

    @Test(arguments: [
        ("plain ascii, long enough for the word loop", Array("id,name\nC1,Ann Lee,2026-01-01\n".utf8), [Int]()),
        ("invalid byte after 17 ascii", Array("abcdefghijklmnopq".utf8) + [0xFF] + Array("rs".utf8), [17]),
        ("nul in a word", Array("abc\0defghijklmnopqrstu".utf8), [3]),
        ("nul at the end", Array("abc\0".utf8), [3]),
        ("cut sequence then ascii", [0x61, 0xE4, 0xB8, 0x62] + Array("0123456789abcdef".utf8), [1]),
        ("surrogate encoded", [0xED, 0xA0, 0x80], [0, 1, 2]),
        ("overlong", [0xC0, 0x80, 0x41], [0, 1]),
    ] as [(String, [UInt8], [Int])])
    func flawsAreWhereTheBadBytesStart(_ name: String, bytes: [UInt8], flaws: [Int]) {
        #expect(scan(bytes).1 == flaws, "\(name)")
    }

    /// Ranges cut just after line feeds scan as the whole does: a sequence never holds one.
    @Test func piecesCutAfterLineFeedsAddUp() {
        let text = Array("C1,Zoë\nC2,\u{4E2D}\u{6587}\nC3,x\u{1F600}y\nC4,".utf8) + [0xE9, 0x0A, 0xC3, 0x0A, 0x00, 0x41, 0x0A] + Array("C5,Ann\n".utf8)
        let (whole, wholeFlaws) = scan(text)
        var counts = TextCounts()
        var flaws: [Int] = []
        var start = 0
        for i in text.indices where text[i] == 0x0A || i == text.count - 1 {
            let (c, f) = scan(text, start..<(i + 1))
            counts.add(c)
            flaws += f
            start = i + 1
        }
        #expect(counts == whole)
        #expect(flaws == wholeFlaws)
        #expect(whole.invalid == 2 && whole.nuls == 1 && whole.multibyte == 4)
    }

    @Test func aSequenceCutByTheEndOfABlockIsNotCountedWhenTheBlockMayGoOn() {
        let bytes = Array("abc".utf8) + [0xE4, 0xB8]
        #expect(scan(bytes, endMayBeCut: true).0.invalid == 0)
        #expect(scan(bytes).0.invalid == 1)
        // A byte that starts nothing is invalid even at the end.
        #expect(scan(Array("abc".utf8) + [0xFF], endMayBeCut: true).0.invalid == 1)
    }

    @Test func runsOfHighBytesTellPairsFromSingleBytes() {
        let latin1: [UInt8] = Array("Jos".utf8) + [0xE9] + Array(",M".utf8) + [0xE1] + Array("laga,K".utf8) + [0xF6] + Array("ln".utf8)
        let (l, _) = scan(latin1)
        #expect(l.loneHighRuns == 3 && l.longHighRuns == 0)
        let gb: [UInt8] = [0xD5, 0xC5, 0xCE, 0xB0, 0x2C, 0xB1, 0xB1, 0xBE, 0xA9]
        let (g, _) = scan(gb)
        #expect(g.longHighRuns == 2 && g.loneHighRuns == 0)
        // Valid UTF-8 runs are no evidence either way.
        #expect(scan(Array("Zoë 中文".utf8)).0.loneHighRuns + scan(Array("Zoë 中文".utf8)).0.longHighRuns == 0)
    }

    @Test func escapedTextShowsBadBytesAsHex() {
        func escaped(_ bytes: [UInt8]) -> String { bytes.withUnsafeBufferPointer(TextScan.escaped) }
        #expect(escaped(Array("Zoë".utf8)) == "Zoë")
        #expect(escaped(Array("Caf".utf8) + [0xE9]) == "Caf\\xE9")
        #expect(escaped([0x41, 0x00, 0x42]) == "A\\x00B")
        #expect(escaped([0xE4, 0xB8, 0x41, 0xE4, 0xB8, 0xAD]) == "\\xE4\\xB8A中")
        #expect(!escaped([0xFF, 0xFE]).contains("\u{FFFD}"))
    }

    @Test func flawsDescribeThemselves() {
        #expect(TextFlaw(kind: .invalidByte(0x0F), offset: 7).detail == "byte 0x0F at offset 7")
        #expect(TextFlaw(kind: .invalidByte(0xFF), offset: 1234).detail == "byte 0xFF at offset 1234")
        #expect(TextFlaw(kind: .nulByte, offset: 0).detail == "a NUL byte (0x00) at offset 0")
        #expect(TextFlaw(kind: .escapedNul, offset: 9).detail == "a NUL character, written \\u0000 at offset 9")
        #expect(TextFlaw(kind: .loneSurrogate(0xD800), offset: 3).detail == "half of a surrogate pair, written \\uD800 at offset 3")
        #expect(TextFlaw(kind: .nulByte, offset: 0).isNul && !TextFlaw(kind: .invalidByte(1), offset: 0).isNul)
    }
}
