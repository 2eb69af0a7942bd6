/// Thrown inside the parser to abandon the current declaration after its error has
/// been reported; `parseFile` then skips to the next declaration.
struct ParseAbort: Error {}

/// A recursive-descent parser over the lexer's tokens. One method per grammar
/// production, named as in `Grammar/policy.ebnf`; the methods are split by grammar
/// area (`Parser+Declarations.swift`, `Parser+Expressions.swift`, ...).
public struct Parser {
    let file: SourceFile
    var tokens: [Token]
    var index = 0
    var depth = 0
    public internal(set) var diagnostics = DiagnosticBag()
    /// The file's comments, as the lexer found them.
    let comments: [Range<Int>]

    /// Deep enough for any real policy, shallow enough never to exhaust the stack.
    static let maxDepth = 128

    /// The words that start a top-level declaration.
    static let declarationWords: Set<String> = ["policy", "use", "customer", "let", "segment", "rule", "resolve", "limit", "holdout", "test"]

    public init(file: SourceFile) {
        self.file = file
        var lexer = Lexer(file: file)
        lexer.reportBytesThatAreNotText()
        self.tokens = lexer.tokenize()
        self.diagnostics = lexer.diagnostics
        self.comments = lexer.comments
    }

    /// Parses a whole file, reporting every error it finds (recovering at the next
    /// declaration after each one).
    public static func parse(_ file: SourceFile) -> (PolicyFile, DiagnosticBag) {
        var parser = Parser(file: file)
        let policy = parser.parseFile()
        return (policy, parser.diagnostics)
    }

    mutating func parseFile() -> PolicyFile {
        var declarations: [Declaration] = []
        while current.kind != .end {
            let before = index
            do {
                declarations.append(try parseDeclaration())
            } catch {
                synchronize()
            }
            // INVARIANT: every turn of a parse loop consumes at least one token.
            if index == before { advance() }
        }
        return PolicyFile(source: file, declarations: declarations,
                          comments: comments.map { SourceSpan(file: file, start: $0.lowerBound, end: $0.upperBound) })
    }

    /// Skips to the next word that starts a declaration at the start of a line.
    mutating func synchronize() {
        while current.kind != .end, !startsDeclaration(current) {
            advance()
        }
    }

    /// A declaration word at the start of a line: where one declaration surely ends
    /// and the next begins, even after an unfinished expression.
    func startsDeclaration(_ token: Token) -> Bool {
        guard token.startsLine, token.kind == .identifier, token.keyword == nil else { return false }
        let word = text(token)
        if Self.declarationWords.contains(word) { return true }
        // `orders` may be a customer field's name too: only `orders {` opens the block.
        return word == "orders" && token.start == current.start && peek().kind == .leftBrace
    }

    // MARK: - Token access

    var current: Token { tokens[index] }
    func peek(_ offset: Int = 1) -> Token { tokens[min(index + offset, tokens.count - 1)] }

    @discardableResult
    mutating func advance() -> Token {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    func text(_ token: Token) -> String { file.text(token.start..<token.end) }
    func span(_ token: Token) -> SourceSpan { SourceSpan(file: file, start: token.start, end: token.end) }
    func span(from start: Token) -> SourceSpan {
        let last = index > 0 ? tokens[index - 1] : start
        return SourceSpan(file: file, start: start.start, end: max(start.end, last.end))
    }

    /// True when the current token is the plain word `word` (a contextual keyword).
    func isWord(_ word: String, _ token: Token? = nil) -> Bool {
        let t = token ?? current
        return t.kind == .identifier && t.keyword == nil && t.end - t.start == word.utf8.count
            && file.bytes[t.start..<t.end].elementsEqual(word.utf8)
    }

    func isKeyword(_ keyword: Keyword) -> Bool { current.kind == .identifier && current.keyword == keyword }

    mutating func consume(_ kind: TokenKind) -> Token? {
        current.kind == kind ? advance() : nil
    }

    mutating func consumeWord(_ word: String) -> Token? {
        isWord(word) ? advance() : nil
    }

    mutating func consumeKeyword(_ keyword: Keyword) -> Token? {
        isKeyword(keyword) ? advance() : nil
    }

    /// Requires a token of `kind`; otherwise reports what was expected and abandons
    /// the declaration.
    @discardableResult
    mutating func expect(_ kind: TokenKind, _ what: String, help: String? = nil) throws -> Token {
        if let token = consume(kind) { return token }
        throw fail("expected \(what), found \(describe(current))", help: help)
    }

    @discardableResult
    mutating func expectWord(_ word: String, help: String? = nil) throws -> Token {
        if let token = consumeWord(word) { return token }
        throw fail("expected `\(word)`, found \(describe(current))", help: help)
    }

    @discardableResult
    mutating func expectKeyword(_ keyword: Keyword, help: String? = nil) throws -> Token {
        if let token = consumeKeyword(keyword) { return token }
        throw fail("expected `\(keyword)`, found \(describe(current))", help: help)
    }

    /// Reports an error at the current token and returns the abort to throw.
    mutating func fail(_ message: String, help: String? = nil, code: DiagnosticCode = .expectedToken) -> ParseAbort {
        // The lexer has already explained an invalid token; don't pile on.
        if current.kind != .invalid {
            diagnostics.error(code, message, at: span(current), help: help)
        }
        return ParseAbort()
    }

    /// How a token is named in "expected X, found Y".
    func describe(_ token: Token) -> String {
        switch token.kind {
        case .end: return "the end of the file"
        case .string: return "a string"
        case .number, .percent: return "the number `\(text(token))`"
        case .date: return "the date `\(text(token))`"
        default: return "`\(text(token))`"
        }
    }

    /// Reads a simple or dotted name (`address.city`) or a backtick name.
    mutating func parseName(_ what: String) throws -> Name {
        let start = current
        if current.kind == .quotedName {
            advance()
            let t = text(start)
            return Name(String(t.dropFirst().dropLast()), span(start))
        }
        guard current.kind == .identifier, current.keyword == nil else {
            let help = current.kind == .identifier ? "`\(text(current))` is a reserved word; write it in backticks: `\u{60}\(text(current))\u{60}`" : nil
            throw fail("expected \(what), found \(describe(current))", help: help)
        }
        var name = text(advance())
        while current.kind == .dot, peek().kind == .identifier, peek().keyword == nil,
              peek().start == current.end, current.start == tokens[index - 1].end {
            advance()
            name += "." + text(advance())
        }
        return Name(name, span(from: start))
    }

    /// Decodes a string token that has no interpolation (titles, paths, headers).
    mutating func readPlainString(_ what: String) throws -> (text: String, span: SourceSpan) {
        let token = try expect(.string, what)
        let parts = decodeString(token)
        var text = ""
        for part in parts {
            switch part {
            case .text(let t): text += t
            case .expression(let e):
                diagnostics.error(.badInterpolation, "\(what) cannot contain `{...}`", at: e.span,
                                  help: "write `{{` for a literal brace")
            }
        }
        return (text, span(token))
    }
}
