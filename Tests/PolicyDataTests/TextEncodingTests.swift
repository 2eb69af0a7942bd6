import Foundation
import Testing
import PolicySyntax
@testable import PolicyData

/// Telling a customer file's encoding from its first block, and reading UTF-16.
struct TextEncodingTests {
    static let chinese = "id,name,city\nC1,张伟,北京\nC2,李娜,上海\nC3,王芳,广州\n"
    static let western = "id,name,city\nC1,José,Málaga\nC2,Zoë,Köln\nC3,Ann,Paris\n"

    /// The rows of `chinese` in GB18030 (from `iconv -f UTF-8 -t GB18030`).
    static let gb18030: [UInt8] = [
        0x43, 0x31, 0x2C, 0xD5, 0xC5, 0xCE, 0xB0, 0x2C, 0xB1, 0xB1, 0xBE, 0xA9, 0x0A, 0x43, 0x32, 0x2C, 0xC0, 0xEE, 0xC4, 0xC8,
        0x2C, 0xC9, 0xCF, 0xBA, 0xA3, 0x0A, 0x43, 0x33, 0x2C, 0xCD, 0xF5, 0xB7, 0xBC, 0x2C, 0xB9, 0xE3, 0xD6, 0xDD, 0x0A,
    ]

    static func encoded(_ text: String, _ encoding: String.Encoding) -> [UInt8] {
        [UInt8](text.data(using: encoding)!)
    }

    @Test(arguments: [
        ("ascii", Array("id,name\nC1,Ann\n".utf8), TextEncoding.utf8),
        ("utf-8 chinese", Array(chinese.utf8), .utf8),
        ("utf-8 with a bom", [0xEF, 0xBB, 0xBF] + Array(western.utf8), .utf8),
        ("utf-8 with one bad byte", Array(chinese.utf8) + [0xFF, 0x0A], .utf8),
        ("empty", [], .utf8),
        ("gb18030", Array("id,name,city\n".utf8) + gb18030, .likely(.gb18030)),
        ("latin-1", encoded(western, .isoLatin1), .likely(.latin1)),
        ("windows-1252", encoded(western + "“quoted” €5\n", .windowsCP1252), .likely(.latin1)),
        ("one latin-1 byte in ascii", Array("id,name\nC1,Caf".utf8) + [0xE9, 0x0A], .likely(.latin1)),
        ("utf-16le with bom", [0xFF, 0xFE] + encoded(chinese, .utf16LittleEndian), .utf16(bigEndian: false, byteOrderMark: true)),
        ("utf-16be with bom", [0xFE, 0xFF] + encoded(chinese, .utf16BigEndian), .utf16(bigEndian: true, byteOrderMark: true)),
        ("utf-16le without bom", encoded(western, .utf16LittleEndian), .utf16(bigEndian: false, byteOrderMark: false)),
        ("utf-16be without bom", encoded(chinese, .utf16BigEndian), .utf16(bigEndian: true, byteOrderMark: false)),
        ("utf-32le", [0xFF, 0xFE, 0, 0] + encoded("id\n", .utf32LittleEndian), .notText),
        ("zeros", [UInt8](repeating: 0, count: 65_536), .notText),
        ("control bytes", (0..<4096).map { UInt8($0 % 8) }, .notText),
        ("one nul in a cell", Array("id,name\nC1,A".utf8) + [0] + Array("B\nC2,Bo\n".utf8), .utf8),
    ] as [(String, [UInt8], TextEncoding)])
    func theFirstBlockTellsTheEncoding(_ name: String, bytes: [UInt8], expected: TextEncoding) {
        #expect(TextEncoding.sniff(firstBlock: bytes, isWholeFile: true) == expected, "\(name)")
        bytes.withUnsafeBytes { #expect(TextEncoding.sniff(firstBlock: $0, isWholeFile: true) == expected, "\(name)") }
    }

    /// Random binary (an image, an archive) is not text.
    @Test func randomBytesAreNotText() {
        var random: UInt64 = 7
        let bytes = (0..<65_536).map { _ -> UInt8 in
            random = random &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: random >> 33)
        }
        #expect(TextEncoding.sniff(firstBlock: bytes) == .notText)
    }

    /// The first block of a longer file may end inside a character.
    @Test func aBlockCutInsideACharacterIsStillUTF8() {
        let block = Array(Self.chinese.utf8).dropLast(2)
        #expect(TextEncoding.sniff(firstBlock: Array(block)) == .utf8)
        #expect(TextEncoding.sniff(firstBlock: Array("id\n".utf8) + [0xE4, 0xB8], isWholeFile: true) != .utf8)
    }

    @Test(arguments: [false, true])
    func utf16WithABomIsReadAsUTF8(bigEndian: Bool) throws {
        let text = Self.chinese + "C4,😀 \u{0}x,y\n"
        let bytes = (bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]) + Self.encoded(text, bigEndian ? .utf16BigEndian : .utf16LittleEndian)
        let converted = bytes.withUnsafeBufferPointer { TextEncoding.utf8(fromUTF16: $0, bigEndian: bigEndian) }
        #expect(try converted.get() == Array(text.utf8))
    }

    @Test func brokenUTF16IsRefused() {
        let lone: [UInt8] = [0xFF, 0xFE, 0x41, 0x00, 0x00, 0xD8, 0x41, 0x00]
        let odd: [UInt8] = [0xFF, 0xFE, 0x41, 0x00, 0x42]
        for (bytes, offset) in [(lone, 4), (odd, 4)] {
            let converted = bytes.withUnsafeBufferPointer { TextEncoding.utf8(fromUTF16: $0, bigEndian: false) }
            guard case .failure(let problem) = converted else { Issue.record("accepted \(bytes)"); continue }
            #expect(problem.offset == offset)
        }
    }

    /// The error a reader of the first block reports: the encoding named, and the
    /// command that converts the file.
    @Test func errorsNameTheEncodingAndTheConversion() throws {
        let gb = try #require(TextEncoding.likely(.gb18030).error(file: "customers.csv"))
        #expect(gb.code == .otherEncoding)
        #expect(gb.message == "the file is not UTF-8 text: it looks like GB18030 (Chinese)")
        #expect(gb.help == "convert it to UTF-8 first: `iconv -f GB18030 -t UTF-8 customers.csv > customers-utf8.csv`")
        let latin = try #require(TextEncoding.likely(.latin1).error(file: "exports/may.2026.tsv"))
        #expect(latin.help == "convert it to UTF-8 first: `iconv -f WINDOWS-1252 -t UTF-8 exports/may.2026.tsv > exports/may.2026-utf8.tsv`")
        let utf16 = try #require(TextEncoding.utf16(bigEndian: false, byteOrderMark: false).error(file: "my file.csv"))
        #expect(utf16.help == "convert it to UTF-8 first: `iconv -f UTF-16LE -t UTF-8 'my file.csv' > 'my file-utf8.csv'`")
        #expect(TextEncoding.notText.error(file: "<stdin>")?.code == .notText)
        #expect(TextEncoding.likely(.latin1).error(file: "<stdin>")?.help == "convert it to UTF-8 first: pipe it through `iconv -f WINDOWS-1252 -t UTF-8`")
        #expect(TextEncoding.utf8.error(file: "c.csv") == nil)
        #expect(TextEncoding.utf16(bigEndian: true, byteOrderMark: true).error(file: "c.csv") == nil)
    }
}
