/// Puts the comments back into the formatted lines. No comment is ever dropped,
/// and comments keep their order.
///
/// - A comment after code on its source line (a trailing comment) stays at the end
///   of the output line that printed that code; trailing comments of one block or
///   one run of `let`s line up, one space after the longest line.
/// - A comment on its own line goes on its own line before the next output line, at
///   that line's indentation (inside the block before a closing `}`); comments after
///   the last declaration end the file.
/// - A comment that fell inside code printed on one line (an expression written
///   over several lines) goes on its own line before that line.
/// - Blank lines among a group of comments, and between the group and the code it
///   leads, are kept (one at most).
struct CommentPlacement {
    let source: SourceFile
    let comments: [SourceSpan]
    let lines: [FormatLine]

    /// The formatted text: every line with its comments.
    func render() -> String {
        var leading = [[SourceSpan]](repeating: [], count: lines.count)
        var trailing = [SourceSpan?](repeating: nil, count: lines.count)
        var atEnd: [SourceSpan] = []
        for comment in comments {
            let owner = lastLine(startingAtOrBefore: comment.start)
            if let owner, comment.start < lines[owner].source.upperBound {
                leading[owner].append(comment)
            } else if let owner, !Self.standsAlone(comment.start, in: source) {
                if let earlier = trailing[owner] {
                    // Two comments after one line's code: keep both, in order, on their own lines.
                    leading[owner] += [earlier, comment]
                    trailing[owner] = nil
                } else {
                    trailing[owner] = comment
                }
            } else {
                let next = (owner ?? -1) + 1
                if next < lines.count { leading[next].append(comment) } else { atEnd.append(comment) }
            }
        }

        // Trailing comments of a group start one space after its longest commented line.
        var column: [Int: Int] = [:]
        for (i, line) in lines.enumerated() where trailing[i] != nil {
            if let group = line.group { column[group] = max(column[group] ?? 0, line.width + 1) }
        }

        var out: [String] = []
        var previousEnd = 0
        for (i, line) in lines.enumerated() {
            if line.blankBefore, !out.isEmpty { out.append("") }
            var last: SourceSpan? = nil
            for comment in leading[i] {
                if let last, Self.hasBlankLine(source.bytes, from: last.end, to: comment.start) { out.append("") }
                out.append(spaces(line.commentIndent) + commentText(comment))
                last = comment
            }
            if let last, !line.closesBlock, last.end < line.source.lowerBound,
               Self.hasBlankLine(source.bytes, from: last.end, to: line.source.lowerBound) {
                out.append("")
            }
            var text = spaces(line.indent) + line.text
            if let comment = trailing[i] {
                let target = line.group.flatMap { column[$0] } ?? line.width + 1
                text += spaces(max(1, target - line.width)) + commentText(comment)
            }
            out.append(text)
            previousEnd = max(previousEnd, trailing[i]?.end ?? line.source.upperBound)
        }
        var last: SourceSpan? = nil
        for comment in atEnd {
            let from = last?.end ?? previousEnd
            if !out.isEmpty, Self.hasBlankLine(source.bytes, from: from, to: comment.start) { out.append("") }
            out.append(commentText(comment))
            last = comment
        }
        return out.isEmpty ? "" : out.joined(separator: "\n") + "\n"
    }

    /// The index of the last line whose code starts at or before `offset`.
    private func lastLine(startingAtOrBefore offset: Int) -> Int? {
        var lo = 0, hi = lines.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if lines[mid].source.lowerBound <= offset { lo = mid + 1 } else { hi = mid }
        }
        return lo == 0 ? nil : lo - 1
    }

    private func commentText(_ comment: SourceSpan) -> String {
        var bytes = source.bytes[comment.start..<comment.end]
        // Trailing blanks go, a carriage return among them too (`# x\r\t` is `# x`).
        while let last = bytes.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") || last == UInt8(ascii: "\r") {
            bytes.removeLast()
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func spaces(_ count: Int) -> String { String(repeating: " ", count: count) }

    /// Whether nothing but spaces precedes the byte at `offset` on its line.
    static func standsAlone(_ offset: Int, in source: SourceFile) -> Bool {
        var i = offset - 1
        while i >= 0 {
            switch source.bytes[i] {
            case UInt8(ascii: "\n"): return true
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): i -= 1
            case 0xEF where i < 3, 0xBB where i < 3, 0xBF where i < 3: i -= 1     // the byte-order mark
            default: return false
            }
        }
        return true
    }

    /// Whether the bytes from `start` to `end` hold a line with nothing but spaces.
    static func hasBlankLine(_ bytes: [UInt8], from start: Int, to end: Int) -> Bool {
        var newlines = 0
        var blank = false
        for i in max(0, start)..<max(start, min(end, bytes.count)) {
            switch bytes[i] {
            case UInt8(ascii: "\n"):
                if newlines > 0 && blank { return true }
                newlines += 1
                blank = true
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                continue
            default:
                blank = false
            }
        }
        return false
    }
}
