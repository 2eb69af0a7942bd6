/// One policy (or data) file held in memory as UTF-8 bytes, with the byte offsets
/// where its lines start so that positions are turned into `line:col` only when printed.
///
/// A customer file is not held twice for its diagnostics: a problem in it gets a small
/// source file of its own, one line or part of one (an `excerpt`), or no text at all
/// when the bytes are not text worth showing (a `place`).
public final class SourceFile: Sendable {
    /// What `bytes` are of the file `path` names.
    public enum Role: Sendable, Equatable {
        /// The whole file.
        case whole
        /// One line of the file, or part of it: `bytes[0]` is at `line`:`column`, and
        /// the line goes on before (`cutBefore`) or after (`cutAfter`) what is kept.
        case excerpt(line: Int, column: Int, cutBefore: Bool, cutAfter: Bool)
        /// Only a place in the file (`bytes` is empty): its text is not shown.
        case place(line: Int, column: Int)
        /// No place in any file: a problem with a flag, or with a file that cannot be read.
        case nowhere
    }

    /// The path as the user wrote it (used verbatim in diagnostics).
    public let path: String
    /// The file's bytes, exactly as read (a UTF-8 BOM is kept; the lexer skips it).
    public let bytes: [UInt8]
    /// Byte offset of the first byte of every line; `lineStarts[0] == 0`.
    public let lineStarts: [Int]
    /// Whether `bytes` are the whole file, a part of it, or nothing of it.
    public let role: Role

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") {
            starts.append(i + 1)
        }
        self.lineStarts = starts
        self.role = .whole
    }

    public convenience init(path: String, text: String) {
        self.init(path: path, bytes: Array(text.utf8))
    }

    // INVARIANT: `bytes` hold no line end (an excerpt is within one line).
    /// Part of line `line` of the file `path`, whose first byte is at `column`.
    public init(path: String, excerpt bytes: [UInt8], line: Int, column: Int, cutBefore: Bool = false, cutAfter: Bool = false) {
        self.path = path
        self.bytes = bytes
        self.lineStarts = [0]
        self.role = .excerpt(line: line, column: column, cutBefore: cutBefore, cutAfter: cutAfter)
    }

    /// Only the place `line`:`column` of the file `path`, without its text.
    public init(path: String, line: Int, column: Int) {
        self.path = path
        self.bytes = []
        self.lineStarts = [0]
        self.role = .place(line: line, column: column)
    }

    private init() {
        path = ""
        bytes = []
        lineStarts = [0]
        role = .nowhere
    }

    /// No file at all, for a problem that has no place.
    public static let nowhere = SourceFile()

    /// The text of `range` decoded as UTF-8 (invalid bytes become U+FFFD).
    public func text(_ range: Range<Int>) -> String {
        let lower = max(0, min(range.lowerBound, bytes.count))
        let upper = max(lower, min(range.upperBound, bytes.count))
        return String(decoding: bytes[lower..<upper], as: UTF8.self)
    }

    /// The text of `range` to show on a terminal: valid UTF-8 as it is, except that a
    /// control character other than tab, and every byte of an invalid sequence, is
    /// written `\xHH` (a data file's line may hold anything; nothing is shown as U+FFFD).
    public func displayText(_ range: Range<Int>) -> String {
        let lower = max(0, min(range.lowerBound, bytes.count))
        let upper = max(lower, min(range.upperBound, bytes.count))
        var out = ""
        var parser = Unicode.UTF8.ForwardParser()
        var input = bytes[lower..<upper].makeIterator()
        var offset = lower
        func hex(_ b: UInt8) -> String {
            let digits = Array("0123456789ABCDEF".unicodeScalars)
            return "\\x" + String(digits[Int(b >> 4)]) + String(digits[Int(b & 0xF)])
        }
        while true {
            switch parser.parseScalar(from: &input) {
            case .valid(let encoded):
                let scalar = Unicode.UTF8.decode(encoded)
                if (scalar.value < 0x20 && scalar != "\t") || scalar.value == 0x7F {
                    out += hex(UInt8(scalar.value))
                } else {
                    out.unicodeScalars.append(scalar)
                }
                offset += encoded.count
            case .error(let length):
                for b in bytes[offset..<(offset + length)] { out += hex(b) }
                offset += length
            case .emptyInput:
                return out
            }
        }
    }

    /// The 1-based line and column of a byte offset. Columns count Unicode scalars,
    /// which is what an editor shows for the text people write policies in.
    /// For an excerpt, where it was cut from (for a place, `line`:`column` itself).
    public func location(of offset: Int) -> (line: Int, column: Int) {
        let offset = max(0, min(offset, bytes.count))
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        var column = 1
        var i = lineStarts[lo]
        while i < offset {
            // Count scalar starts: every byte that is not a UTF-8 continuation byte.
            if bytes[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        switch role {
        case .whole, .nowhere: return (lo + 1, column)
        case .excerpt(let line, let first, _, _), .place(let line, let first): return (line, first + column - 1)
        }
    }

    /// The byte range of line `line` (1-based, as `location(of:)` counts) without its
    /// line terminator; nil when the file has no such line, or only a place.
    public func lineRange(_ line: Int) -> Range<Int>? {
        var local = line
        switch role {
        case .whole: break
        case .excerpt(let first, _, _, _): local = line - first + 1
        case .place, .nowhere: return nil
        }
        guard local >= 1, local <= lineStarts.count else { return nil }
        let start = lineStarts[local - 1]
        var end = local < lineStarts.count ? lineStarts[local] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return start..<max(start, end)
    }

    /// The bytes of line `line` (1-based) without its line terminator.
    public func lineText(_ line: Int) -> String {
        lineRange(line).map(text) ?? ""
    }
}

/// A half-open byte range in one source file. Spans are values: cheap to copy and
/// compare, turned into text positions only by the diagnostic renderer.
public struct SourceSpan: Hashable, Sendable {
    public var file: SourceFile
    public var start: Int
    public var end: Int

    public init(file: SourceFile, start: Int, end: Int) {
        self.file = file
        self.start = start
        self.end = max(start, end)
    }

    /// The smallest span covering both.
    public func to(_ other: SourceSpan) -> SourceSpan {
        SourceSpan(file: file, start: min(start, other.start), end: max(end, other.end))
    }

    public var text: String { file.text(start..<end) }

    public static func == (a: SourceSpan, b: SourceSpan) -> Bool {
        a.file === b.file && a.start == b.start && a.end == b.end
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(ObjectIdentifier(file))
        hasher.combine(start)
        hasher.combine(end)
    }
}
