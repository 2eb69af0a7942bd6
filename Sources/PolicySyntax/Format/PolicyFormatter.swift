/// `policy fmt`'s printer: one canonical layout for a parsed file, with every
/// comment put back where it was written.
///
/// It works in two passes. `Layout` prints the declarations as lines, each line
/// remembering the source bytes it came from; `CommentPlacement` then puts every
/// comment before, or at the end of, the line that owns its position.
/// The file must have parsed without errors: the printer trusts the tree.
public enum PolicyFormatter {
    /// The formatted text of `file`, ending with one line break (empty for an empty file).
    public static func format(_ file: PolicyFile) -> String {
        var layout = Layout(file: file)
        layout.layOutDeclarations()
        let placement = CommentPlacement(source: file.source, comments: file.comments, lines: layout.lines)
        let text = placement.render()
        // A byte-order mark is kept if the file had one: some editors on Windows want it.
        return file.source.bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? "\u{FEFF}" + text : text
    }

    /// How many terminal columns `text` takes: East Asian wide characters (the `消费金额`
    /// of a Chinese policy) take two, combining marks none. Columns line up by it.
    static func displayWidth(_ text: String) -> Int {
        var width = 0
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v < 0x300 {
                width += 1
            } else if (0x300...0x36F).contains(v) || (0x200B...0x200F).contains(v) || (0xFE00...0xFE0F).contains(v) {
                continue
            } else if isWide(v) {
                width += 2
            } else {
                width += 1
            }
        }
        return width
    }

    private static func isWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            true
        default:
            false
        }
    }
}

/// One line of formatted output, before the comments are put back.
struct FormatLine {
    /// Spaces before `text`.
    var indent: Int
    var text: String
    /// The source bytes the line prints, from its first token to its last. A comment
    /// inside this range cannot stay where it was and goes on its own line before it.
    var source: Range<Int>
    /// The indentation of comments placed before this line: one level deeper than a
    /// closing `}`, so that a comment at the end of a block stays inside it.
    var commentIndent: Int
    /// One blank line goes before this line (and before the comments that lead it).
    var blankBefore = false
    /// Lines of one group (a block's body, a run of `let`s) align their trailing comments.
    var group: Int? = nil
    /// A closing `}`: no blank line is kept right before it.
    var closesBlock = false

    init(indent: Int, _ text: String, source: Range<Int>, commentIndent: Int? = nil, group: Int? = nil) {
        self.indent = indent
        self.text = text
        self.source = source
        self.commentIndent = commentIndent ?? indent
        self.group = group
    }

    /// The width of the printed line, indentation included.
    var width: Int { indent + PolicyFormatter.displayWidth(text) }
}

/// Source facts the printer needs and the tree does not keep: the tokens (for the
/// text of literals and keywords) and where the author wrote parentheses.
struct Layout {
    let file: PolicyFile
    let source: SourceFile
    let tokens: [Token]
    /// The byte range of every `( ... )` pair, from `(` to `)` inclusive.
    let parenthesized: Set<Range<Int>>
    /// Start offsets of the comments that stand on their own line.
    let ownLineComments: [Int]
    var lines: [FormatLine] = []
    var groups = 0

    init(file: PolicyFile) {
        self.file = file
        self.source = file.source
        var lexer = Lexer(file: file.source)
        let tokens = lexer.tokenize()
        self.tokens = tokens
        var pairs = Set<Range<Int>>()
        var open: [Int] = []
        for token in tokens {
            if token.kind == .leftParen {
                open.append(token.start)
            } else if token.kind == .rightParen, let start = open.popLast() {
                pairs.insert(start..<token.end)
            }
        }
        self.parenthesized = pairs
        self.ownLineComments = file.comments.filter { CommentPlacement.standsAlone($0.start, in: file.source) }.map(\.start)
    }

    /// A new id for a group of lines that align their trailing comments.
    mutating func newGroup() -> Int {
        groups += 1
        return groups
    }

    // MARK: - Tokens

    /// The index of the first token starting at or after `offset`.
    func tokenIndex(atOrAfter offset: Int) -> Int {
        var lo = 0, hi = tokens.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if tokens[mid].start < offset { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The token `distance` tokens away from the one starting at `offset`.
    func token(at offset: Int, _ distance: Int = 0) -> Token {
        let index = tokenIndex(atOrAfter: offset) + distance
        return tokens[max(0, min(index, tokens.count - 1))]
    }

    /// The token just before the one starting at `offset` (the keyword before a value).
    func token(before offset: Int) -> Token { token(at: offset, -1) }

    func text(_ token: Token) -> String { source.text(token.start..<token.end) }

    /// The end of the `,` right after `offset`, or `offset` when none follows.
    func endIncludingComma(_ offset: Int) -> Int {
        let next = token(at: offset)
        return next.kind == .comma ? next.end : offset
    }

    /// Whether the source has a blank line between `start` and the next line that
    /// is not blank (a comment standing alone counts as not blank).
    func hasBlankLine(after start: Int, before end: Int) -> Bool {
        let firstComment = ownLineComments.first { $0 >= start && $0 < end } ?? end
        return CommentPlacement.hasBlankLine(source.bytes, from: start, to: firstComment)
    }
}
