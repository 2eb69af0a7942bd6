/// Turns a source file's UTF-8 bytes into tokens. It never throws: a bad character
/// becomes an `invalid` token and a diagnostic, and lexing goes on.
public struct Lexer {
    let file: SourceFile
    let bytes: [UInt8]
    var position: Int
    let limit: Int
    var atLineStart = true
    public private(set) var diagnostics = DiagnosticBag()
    /// The byte ranges of `#` comments (to the end of their line, without it), in
    /// order. The parser ignores them; the formatter puts them back.
    public private(set) var comments: [Range<Int>] = []

    /// Lexes the whole file, or only `range` of it (used for `{expr}` inside strings).
    public init(file: SourceFile, range: Range<Int>? = nil) {
        self.file = file
        self.bytes = file.bytes
        let range = range ?? 0..<file.bytes.count
        self.position = range.lowerBound
        self.limit = range.upperBound
        if range.lowerBound == 0, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
    }

    /// All tokens, ending with one `end` token.
    public mutating func tokenize() -> [Token] {
        var tokens: [Token] = []
        tokens.reserveCapacity(bytes.count / 4)
        while true {
            let token = next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    mutating func next() -> Token {
        skipTrivia()
        let start = position
        let startsLine = atLineStart
        atLineStart = false
        guard position < limit else {
            return Token(kind: .end, start: limit, end: limit, startsLine: true)
        }
        let b = bytes[position]
        var kind: TokenKind
        var keyword: Keyword? = nil
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            kind = lexNumber()
        case UInt8(ascii: "\""):
            kind = lexString()
        case UInt8(ascii: "`"):
            kind = lexQuotedName()
        case UInt8(ascii: "("): position += 1; kind = .leftParen
        case UInt8(ascii: ")"): position += 1; kind = .rightParen
        case UInt8(ascii: "{"): position += 1; kind = .leftBrace
        case UInt8(ascii: "}"): position += 1; kind = .rightBrace
        case UInt8(ascii: "["): position += 1; kind = .leftBracket
        case UInt8(ascii: "]"): position += 1; kind = .rightBracket
        case UInt8(ascii: ","): position += 1; kind = .comma
        case UInt8(ascii: ":"): position += 1; kind = .colon
        case UInt8(ascii: "."): position += 1; kind = .dot
        case UInt8(ascii: "+"): position += 1; kind = .plus
        case UInt8(ascii: "-"): position += 1; kind = .minus
        case UInt8(ascii: "*"): position += 1; kind = .star
        case UInt8(ascii: "/"): position += 1; kind = .slash
        case UInt8(ascii: "="):
            position += 1
            kind = .equal
            if peek() == UInt8(ascii: "=") { position += 1; kind = .doubleEqual }
        case UInt8(ascii: "!"):
            position += 1
            if peek() == UInt8(ascii: "=") {
                position += 1
                kind = .notEqual
            } else {
                kind = .invalid
                diagnostics.error(.foreignOperator, "`!` is not an operator", at: span(start),
                                  help: "write `not` for negation, or `!=` for not equal")
            }
        case UInt8(ascii: "<"):
            position += 1
            kind = .less
            if peek() == UInt8(ascii: "=") { position += 1; kind = .lessEqual }
            else if peek() == UInt8(ascii: ">") {
                position += 1
                kind = .notEqual
                diagnostics.error(.foreignOperator, "`<>` is not an operator", at: span(start), help: "write `!=` for not equal")
            }
        case UInt8(ascii: ">"):
            position += 1
            kind = .greater
            if peek() == UInt8(ascii: "=") { position += 1; kind = .greaterEqual }
        case UInt8(ascii: "?"):
            position += 1
            kind = .question
            if peek() == UInt8(ascii: "?") { position += 1; kind = .doubleQuestion }
        case UInt8(ascii: "&"), UInt8(ascii: "|"):
            position += 1
            if peek() == b { position += 1 }
            kind = .invalid
            let word = b == UInt8(ascii: "&") ? "and" : "or"
            diagnostics.error(.foreignOperator, "`\(file.text(start..<position))` is not an operator",
                              at: span(start), help: "write `\(word)`")
        default:
            if isIdentifierStart(at: position) {
                lexIdentifierTail()
                kind = .identifier
                keyword = Keyword.match(bytes[start..<position])
            } else if b >= 0x80, decodeScalar(at: position) == nil {
                // Not UTF-8: `reportBytesThatAreNotText` has said so.
                position += 1
                kind = .invalid
            } else {
                position += max(1, scalarLength(at: position))
                kind = .invalid
                diagnostics.error(.unexpectedCharacter, "unexpected character `\(file.text(start..<position))`",
                                  at: span(start), help: unexpectedCharacterHelp(b))
            }
        }
        return Token(kind: kind, keyword: keyword, start: start, end: position, startsLine: startsLine)
    }

    private func unexpectedCharacterHelp(_ b: UInt8) -> String? {
        switch b {
        case UInt8(ascii: "'"): "strings use double quotes: \"text\""
        case UInt8(ascii: "%"): "a percentage is written right after its number: 15%"
        case UInt8(ascii: ";"): "declarations need no separator"
        default: nil
        }
    }

    // MARK: - Bytes that are not text

    /// Reports every byte of the file that is not UTF-8 text, wherever it stands (in a
    /// comment or a string too): policy text is read and rewritten (`policy fmt`) as
    /// UTF-8, and an unreadable byte must never turn silently into U+FFFD.
    mutating func reportBytesThatAreNotText() {
        var i = position
        while i < limit {
            let b = bytes[i]
            if b < 0x80 {
                if b == 0 {
                    diagnostics.error(.unexpectedCharacter, "a NUL byte, which no text holds",
                                      at: SourceSpan(file: file, start: i, end: i + 1), help: "remove it")
                }
                i += 1
            } else if let (_, length) = decodeScalar(at: i) {
                i += length
            } else {
                diagnostics.error(.unexpectedCharacter, "the byte `\\x\(String(b, radix: 16, uppercase: true))` is not UTF-8 text",
                                  at: SourceSpan(file: file, start: i, end: i + 1), help: "save the policy as UTF-8")
                i += 1
            }
        }
    }

    // MARK: - Trivia

    mutating func skipTrivia() {
        while position < limit {
            switch bytes[position] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                position += 1
            case UInt8(ascii: "\n"):
                position += 1
                atLineStart = true
            case UInt8(ascii: "#"):
                let start = position
                while position < limit, bytes[position] != UInt8(ascii: "\n") { position += 1 }
                var end = position
                if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                comments.append(start..<end)
            default:
                return
            }
        }
    }

    // MARK: - Numbers and dates

    /// `15`, `1_000`, `0.5`, `15%`, and dates `2026-11-22`.
    mutating func lexNumber() -> TokenKind {
        let start = position
        if isDate(at: position) {
            position += 10
            return .date
        }
        var valid = true
        var lastWasUnderscore = false
        while position < limit {
            let c = bytes[position]
            if isDigit(c) { lastWasUnderscore = false; position += 1 }
            else if c == UInt8(ascii: "_") { if lastWasUnderscore { valid = false }; lastWasUnderscore = true; position += 1 }
            else { break }
        }
        if lastWasUnderscore { valid = false }
        if position + 1 < limit, bytes[position] == UInt8(ascii: "."), isDigit(bytes[position + 1]) {
            position += 1
            lastWasUnderscore = false
            while position < limit, isDigit(bytes[position]) || bytes[position] == UInt8(ascii: "_") {
                if bytes[position] == UInt8(ascii: "_") { if lastWasUnderscore { valid = false }; lastWasUnderscore = true }
                else { lastWasUnderscore = false }
                position += 1
            }
            if lastWasUnderscore { valid = false }
        }
        if !valid {
            diagnostics.error(.invalidNumber, "malformed number `\(file.text(start..<position))`", at: span(start),
                              help: "`_` may only stand between two digits, as in 1_000")
        }
        if position < limit, bytes[position] == UInt8(ascii: "%") {
            position += 1
            return .percent
        }
        return .number
    }

    private func isDate(at i: Int) -> Bool {
        guard i + 10 <= limit else { return false }
        for k in 0..<10 {
            let c = bytes[i + k]
            if k == 4 || k == 7 { if c != UInt8(ascii: "-") { return false } }
            else if !isDigit(c) { return false }
        }
        // `2026-11-225` is not a date followed by 5: leave it to the number path.
        if i + 10 < limit, isDigit(bytes[i + 10]) { return false }
        return true
    }

    // MARK: - Strings and quoted names

    /// A string runs to its closing quote on the same line. `{...}` inside it is code
    /// and may itself contain strings, so braces and nested quotes are tracked here;
    /// the parser decodes escapes and parses the code later.
    mutating func lexString() -> TokenKind {
        let start = position
        position += 1
        if scanStringBody() { return .string }
        diagnostics.error(.unterminatedString, "this string has no closing quote", at: span(start),
                          help: "close it with `\"` on the same line")
        return .invalid
    }

    /// Scans after an opening quote; true when the closing quote was found.
    private mutating func scanStringBody(depth: Int = 0) -> Bool {
        while position < limit {
            let c = bytes[position]
            switch c {
            case UInt8(ascii: "\""):
                position += 1
                return true
            case UInt8(ascii: "\n"):
                return false
            case UInt8(ascii: "\\"):
                position += 2
            case UInt8(ascii: "{"):
                if position + 1 < limit, bytes[position + 1] == UInt8(ascii: "{") { position += 2; continue }
                position += 1
                if !scanInterpolation(depth: depth) { return false }
            default:
                position += 1
            }
        }
        position = min(position, limit)
        return false
    }

    /// Scans the code of one `{...}` up to its closing brace.
    private mutating func scanInterpolation(depth: Int) -> Bool {
        // INVARIANT: nested strings inside interpolations recurse; the depth bound keeps
        // hostile input from exhausting the stack.
        guard depth < 16 else { return false }
        var braces = 1
        while position < limit {
            let c = bytes[position]
            switch c {
            case UInt8(ascii: "\n"):
                return false
            case UInt8(ascii: "\""):
                position += 1
                if !scanStringBody(depth: depth + 1) { return false }
            case UInt8(ascii: "{"):
                braces += 1
                position += 1
            case UInt8(ascii: "}"):
                braces -= 1
                position += 1
                if braces == 0 { return true }
            default:
                position += 1
            }
        }
        return false
    }

    /// `` `Total Spend` ``: any text but a backtick or line end.
    mutating func lexQuotedName() -> TokenKind {
        let start = position
        position += 1
        while position < limit, bytes[position] != UInt8(ascii: "`"), bytes[position] != UInt8(ascii: "\n") {
            position += 1
        }
        if position < limit, bytes[position] == UInt8(ascii: "`") {
            position += 1
            if position - start == 2 {
                diagnostics.error(.unterminatedName, "a backtick name cannot be empty", at: span(start))
                return .invalid
            }
            return .quotedName
        }
        diagnostics.error(.unterminatedName, "this name has no closing backtick", at: span(start),
                          help: "close it with ` on the same line")
        return .invalid
    }

    // MARK: - Identifiers

    /// Letters (any script), digits and `_`; a word cannot start with a digit.
    mutating func lexIdentifierTail() {
        while position < limit {
            let c = bytes[position]
            if c < 0x80 {
                if isDigit(c) || isASCIILetter(c) || c == UInt8(ascii: "_") { position += 1 } else { return }
            } else if let scalar = decodeScalar(at: position), Self.isLetterOrDigit(scalar.0) {
                position += scalar.1
            } else {
                return
            }
        }
    }

    func isIdentifierStart(at i: Int) -> Bool {
        let c = bytes[i]
        if c < 0x80 { return isASCIILetter(c) || c == UInt8(ascii: "_") }
        guard let scalar = decodeScalar(at: i) else { return false }
        return scalar.0.properties.isAlphabetic
    }

    static func isLetterOrDigit(_ s: Unicode.Scalar) -> Bool {
        s.properties.isAlphabetic || s.properties.numericType != nil
    }

    /// Decodes one UTF-8 scalar; nil for malformed bytes.
    func decodeScalar(at i: Int) -> (Unicode.Scalar, Int)? {
        let length = scalarLength(at: i)
        guard length > 1, i + length <= limit else { return nil }
        var decoder = UTF8()
        var iterator = bytes[i..<(i + length)].makeIterator()
        if case .scalarValue(let s) = decoder.decode(&iterator) { return (s, length) }
        return nil
    }

    func scalarLength(at i: Int) -> Int {
        Self.scalarLength(bytes, at: i, limit: limit)
    }

    /// The length of the UTF-8 sequence a lead byte announces, cut at `limit`.
    static func scalarLength(_ bytes: [UInt8], at i: Int, limit: Int) -> Int {
        let c = bytes[i]
        if c < 0x80 { return 1 }
        if c >= 0xF0 { return min(4, limit - i) }
        if c >= 0xE0 { return min(3, limit - i) }
        if c >= 0xC0 { return min(2, limit - i) }
        return 1
    }

    // MARK: - Helpers

    func peek() -> UInt8? { position < limit ? bytes[position] : nil }
    func span(_ start: Int) -> SourceSpan { SourceSpan(file: file, start: start, end: max(position, start + 1)) }
}

@inline(__always) func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
@inline(__always) func isASCIILetter(_ c: UInt8) -> Bool {
    (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
}
