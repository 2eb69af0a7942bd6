import Testing
@testable import PolicySyntax

/// The token kinds of `source`, without the final `end`.
func kinds(_ source: String) -> [TokenKind] {
    var lexer = Lexer(file: SourceFile(path: "t.policy", text: source))
    return lexer.tokenize().map(\.kind).dropLast()
}

func lexErrors(_ source: String) -> [String] {
    var lexer = Lexer(file: SourceFile(path: "t.policy", text: source))
    _ = lexer.tokenize()
    return lexer.diagnostics.items.map { "\($0.code.rawValue) \($0.message)" }
}

struct LexerTests {
    @Test(arguments: [
        ("15", [TokenKind.number]),
        ("1_000", [.number]),
        ("0.5", [.number]),
        ("15%", [.percent]),
        ("2026-11-22", [.date]),
        ("2026 - 11 - 22", [.number, .minus, .number, .minus, .number]),
        ("\"hi\"", [.string]),
        ("\"{name} has {n} days\"", [.string]),
        ("\"{name ?? \"friend\"}\"", [.string]),
        ("`Total Spend`", [.quotedName]),
        ("消费金额 >= 1000", [.identifier, .greaterEqual, .number]),
        ("a ?? b", [.identifier, .doubleQuestion, .identifier]),
        ("email text?", [.identifier, .identifier, .question]),
        ("x = 1 # comment\ny", [.identifier, .equal, .number, .identifier]),
        ("a == b", [.identifier, .doubleEqual, .identifier]),
        ("a != b <= c", [.identifier, .notEqual, .identifier, .lessEqual, .identifier]),
        ("[a, b]", [.leftBracket, .identifier, .comma, .identifier, .rightBracket]),
    ])
    func tokens(source: String, expected: [TokenKind]) {
        #expect(kinds(source) == expected)
    }

    @Test(arguments: [
        ("a && b", "E0110 `&&` is not an operator"),
        ("a || b", "E0110 `||` is not an operator"),
        ("!a", "E0110 `!` is not an operator"),
        ("\"open", "E0102 this string has no closing quote"),
        ("`open", "E0108 this name has no closing backtick"),
        ("a $ b", "E0101 unexpected character `$`"),
        ("1__000", "E0104 malformed number `1__000`"),
        ("x <> y", "E0110 `<>` is not an operator"),
    ])
    func errors(source: String, expected: String) {
        #expect(lexErrors(source) == [expected])
    }

    @Test func keywordsAreMarkedButDeclarationWordsAreNot() {
        var lexer = Lexer(file: SourceFile(path: "t", text: "and customer none"))
        let tokens = lexer.tokenize()
        #expect(tokens[0].keyword == .and)
        #expect(tokens[1].keyword == nil)
        #expect(tokens[2].keyword == Keyword.none)
    }

    @Test func byteOrderMarkIsSkipped() {
        let file = SourceFile(path: "t", bytes: [0xEF, 0xBB, 0xBF] + Array("let".utf8))
        var lexer = Lexer(file: file)
        #expect(lexer.tokenize().first?.start == 3)
    }
}

struct CommentTests {
    @Test func commentsAreKeptAsTrivia() {
        let source = "# title\nlet x = 1 # trailing\r\n# last"
        let (file, errors) = parse(source)
        #expect(errors.isEmpty)
        #expect(file.comments.map(\.text) == ["# title", "# trailing", "# last"])
    }
}
