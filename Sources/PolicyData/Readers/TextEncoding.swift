// What encoding a customer file is in, told from its bytes, and reading UTF-16.

/// An encoding other than UTF-8 that a customer export is often in.
public enum LegacyEncoding: String, Sendable, Equatable {
    /// Simplified Chinese (GBK, GB2312 and GB18030 exports).
    case gb18030 = "GB18030"
    /// Western European: ISO 8859-1 and its Windows superset, Windows-1252.
    case latin1 = "Latin-1"
}

/// The text encoding of a customer file, as far as its bytes tell.
///
/// Rules, applied to the first block of a file (``firstBlockSize`` bytes) and, by
/// the loader, to the whole file:
/// - a byte order mark decides: `EF BB BF` UTF-8, `FF FE` UTF-16 little-endian,
///   `FE FF` UTF-16 big-endian (`FF FE 00 00`, UTF-32, is not text we read);
/// - UTF-16 without a byte order mark: at least a quarter of the byte pairs are
///   a byte of text (tab, line end, 0x20 and above) and a NUL in the same order
///   (`a\0` for little-endian), and at most one in eight as many pairs the other way;
/// - not text: at least 8 bytes, and at least 1 in 32, are NUL or control bytes
///   that text never holds (0x00–0x08, 0x0E–0x1A, 0x1C–0x1F);
/// - mostly not UTF-8: invalid UTF-8 sequences outnumber the valid multi-byte ones.
///   Then the runs of bytes 0x80 and above that hold them tell which encoding:
///   mostly runs of two or more bytes (Chinese characters are byte pairs) give
///   GB18030; mostly single bytes between ASCII (`caf\xE9`) give Latin-1.
/// A file that is UTF-8 with a few invalid bytes stays `utf8`: the rows holding
/// them are rejected one by one.
public enum TextEncoding: Sendable, Equatable {
    /// UTF-8, or plain ASCII, with or without a byte order mark.
    case utf8
    /// UTF-16: read (converted to UTF-8) when it starts with a byte order mark,
    /// refused without one.
    case utf16(bigEndian: Bool, byteOrderMark: Bool)
    /// Mostly not UTF-8: likely in this encoding.
    case likely(LegacyEncoding)
    /// Not text: NUL and control bytes, as in an image, an archive or `/dev/zero`.
    case notText

    /// How much of a file's start ``sniff(firstBlock:isWholeFile:)`` needs.
    public static let firstBlockSize = 65_536

    /// The encoding the first block of a file shows (pass up to ``firstBlockSize``
    /// bytes; more are looked at too). `isWholeFile`: the block is all of the file,
    /// so a multi-byte sequence cut short at its end is invalid rather than cut by
    /// the block.
    public static func sniff(firstBlock: [UInt8], isWholeFile: Bool = false) -> TextEncoding {
        firstBlock.withUnsafeBufferPointer { sniff($0, isWholeFile: isWholeFile) }
    }

    /// The same, for bytes in memory the caller owns.
    public static func sniff(firstBlock: UnsafeRawBufferPointer, isWholeFile: Bool = false) -> TextEncoding {
        sniff(firstBlock.assumingMemoryBound(to: UInt8.self), isWholeFile: isWholeFile)
    }

    static func sniff(_ p: UnsafeBufferPointer<UInt8>, isWholeFile: Bool) -> TextEncoding {
        if p.count >= 4, p[0] == 0xFF, p[1] == 0xFE, p[2] == 0, p[3] == 0 { return .notText }
        if p.count >= 2, p[0] == 0xFF, p[1] == 0xFE { return .utf16(bigEndian: false, byteOrderMark: true) }
        if p.count >= 2, p[0] == 0xFE, p[1] == 0xFF { return .utf16(bigEndian: true, byteOrderMark: true) }
        if let bigEndian = utf16WithoutMark(p) { return .utf16(bigEndian: bigEndian, byteOrderMark: false) }
        var controls = 0
        for b in p where b < 0x20 && (b <= 0x08 || (b >= 0x0E && b != 0x1B)) { controls += 1 }
        if controls >= 8 && controls * 32 >= p.count { return .notText }
        var counts = TextCounts()
        var flaws: [Int] = []
        TextScan.scan(p, 0..<p.count, counts: &counts, flaws: &flaws, maxFlaws: 0, endMayBeCut: !isWholeFile)
        return verdict(counts) ?? .utf8
    }

    /// `false` for UTF-16 little-endian without a byte order mark, `true` for
    /// big-endian, nil when the NULs do not fall in every other byte.
    static func utf16WithoutMark(_ p: UnsafeBufferPointer<UInt8>) -> Bool? {
        let pairs = p.count / 2
        guard pairs >= 2 else { return nil }
        var little = 0, big = 0
        // A NUL beside a byte of text (not a control byte) is half of a character below U+0100.
        func isText(_ b: UInt8) -> Bool { b >= 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        for k in 0..<pairs {
            let a = p[2 * k], b = p[2 * k + 1]
            if b == 0 && isText(a) { little += 1 } else if a == 0 && isText(b) { big += 1 }
        }
        if little * 4 >= pairs && big * 8 <= little { return false }
        if big * 4 >= pairs && little * 8 <= big { return true }
        return nil
    }

    /// The verdict of a scan, nil when the bytes are UTF-8 enough to read (a few
    /// flaws are rows to reject): not text when at least 8 bytes and 1 in 32 are NUL,
    /// another encoding when invalid sequences outnumber valid multi-byte ones.
    static func verdict(_ counts: TextCounts) -> TextEncoding? {
        if counts.nuls >= 8 && counts.nuls * 32 >= counts.bytes { return .notText }
        guard counts.invalid > counts.multibyte else { return nil }
        return .likely(counts.longHighRuns > counts.loneHighRuns ? .gb18030 : .latin1)
    }

    /// Where UTF-16 text with a byte order mark cannot be converted.
    struct UTF16Problem: Error {
        /// Offset of the code unit at fault.
        var offset: Int
        var message: String
    }

    /// UTF-16 text with its byte order mark, as UTF-8 without one. A NUL character
    /// stays a NUL byte (rows holding one are rejected later, like any other).
    static func utf8(fromUTF16 p: UnsafeBufferPointer<UInt8>, bigEndian: Bool) -> Result<[UInt8], UTF16Problem> {
        var out: [UInt8] = []
        out.reserveCapacity(p.count / 2 * 3 / 2 + 16)
        func unit(_ i: Int) -> UInt32 {
            bigEndian ? UInt32(p[i]) << 8 | UInt32(p[i + 1]) : UInt32(p[i + 1]) << 8 | UInt32(p[i])
        }
        var i = 2
        while i + 1 < p.count {
            var scalar = unit(i)
            let at = i
            i += 2
            if (0xD800...0xDBFF).contains(scalar) {
                guard i + 1 < p.count, (0xDC00...0xDFFF).contains(unit(i)) else {
                    return .failure(UTF16Problem(offset: at, message: "half of a surrogate pair at offset \(at)"))
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (unit(i) - 0xDC00)
                i += 2
            } else if (0xDC00...0xDFFF).contains(scalar) {
                return .failure(UTF16Problem(offset: at, message: "half of a surrogate pair at offset \(at)"))
            }
            appendUTF8(scalar, to: &out)
        }
        if i < p.count {
            return .failure(UTF16Problem(offset: i, message: "a lone byte at its end (offset \(i)), half of a UTF-16 character"))
        }
        return .success(out)
    }

    // INVARIANT: scalar is a Unicode scalar value (no surrogate).
    static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | scalar >> 6))
            out.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | scalar >> 12))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        default:
            out.append(UInt8(0xF0 | scalar >> 18))
            out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}
