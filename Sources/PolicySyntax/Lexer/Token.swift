/// The kinds of token the lexer produces. Words are all `identifier`: which words are
/// keywords depends on where they stand, so the parser decides (a field may be called
/// `from` or `key`). Only the words that can never be names are marked in `Keyword`.
public enum TokenKind: UInt8, Sendable {
    case identifier, quotedName
    case number, percent, date, string
    case leftParen, rightParen, leftBrace, rightBrace, leftBracket, rightBracket
    case comma, colon, dot
    case plus, minus, star, slash
    case equal, doubleEqual, notEqual, less, lessEqual, greater, greaterEqual
    case question, doubleQuestion
    case invalid
    case end
}

/// Words reserved in expressions: they can never name a field (write such a column
/// with `from "..."` or backticks).
public enum Keyword: UInt8, Sendable {
    case and, or, not, `in`, between, `is`, none, `true`, `false`, when, then, otherwise, `if`, `else`

    static func match(_ bytes: ArraySlice<UInt8>) -> Keyword? {
        switch bytes.count {
        case 2:
            if bytes.elementsEqual("or".utf8) { return .or }
            if bytes.elementsEqual("in".utf8) { return .in }
            if bytes.elementsEqual("is".utf8) { return .is }
            if bytes.elementsEqual("if".utf8) { return .if }
        case 3:
            if bytes.elementsEqual("and".utf8) { return .and }
            if bytes.elementsEqual("not".utf8) { return .not }
        case 4:
            if bytes.elementsEqual("none".utf8) { return Keyword.none }
            if bytes.elementsEqual("true".utf8) { return .true }
            if bytes.elementsEqual("when".utf8) { return .when }
            if bytes.elementsEqual("then".utf8) { return .then }
            if bytes.elementsEqual("else".utf8) { return .else }
        case 5:
            if bytes.elementsEqual("false".utf8) { return .false }
        case 7:
            if bytes.elementsEqual("between".utf8) { return .between }
        case 9:
            if bytes.elementsEqual("otherwise".utf8) { return .otherwise }
        default:
            break
        }
        return nil
    }
}

/// One token: its kind and byte range. Text is read back from the source on demand.
public struct Token: Sendable {
    public var kind: TokenKind
    public var keyword: Keyword?
    public var start: Int
    public var end: Int
    /// True when nothing but spaces and comments precedes it on its line; error
    /// recovery restarts at such tokens.
    public var startsLine: Bool
}
