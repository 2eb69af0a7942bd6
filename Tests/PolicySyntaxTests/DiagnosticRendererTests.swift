import Testing
@testable import PolicySyntax

struct DiagnosticRendererTests {
    @Test func rendersLikeACompiler() {
        let file = SourceFile(path: "Rules/x.policy", text: "segment tier {\n  Gold when totl_spend >= 5000\n}\n")
        let start = 27
        let d = Diagnostic(.unknownName, "unknown name `totl_spend`", at: SourceSpan(file: file, start: start, end: start + 10),
                           help: "did you mean `total_spend`?")
        #expect(DiagnosticRenderer().render(d) == """
        Rules/x.policy:2:13: error: unknown name `totl_spend` [E0201]
         2 |   Gold when totl_spend >= 5000
           |             ^^^^^^^^^^
           = help: did you mean `total_spend`?

        """)
    }

    @Test func caretsUnderWideCharactersTakeTwoCells() {
        let file = SourceFile(path: "t", text: "let 等级 = 金额x")
        let start = Array("let 等级 = ".utf8).count
        let d = Diagnostic(.unknownName, "unknown name `金额x`", at: SourceSpan(file: file, start: start, end: start + 7))
        let lines = DiagnosticRenderer().render(d).split(separator: "\n")
        #expect(lines[0] == "t:1:10: error: unknown name `金额x` [E0201]")
        #expect(lines[2] == "   |            ^^^^^")
    }

    /// A line of a data file, kept in part: the location is the file's, the carets stay
    /// under the span, and `…` shows where the line goes on.
    @Test func anExcerptOfALineRendersWithItsPlaceInTheFile() {
        let file = SourceFile(path: "c.csv", excerpt: Array("Zoë,twelve,x".utf8), line: 7, column: 41, cutBefore: true, cutAfter: true)
        let start = Array("Zoë,".utf8).count
        let d = Diagnostic(.badCell, "`orders` is `twelve`, expected a whole number", at: SourceSpan(file: file, start: start, end: start + 6))
        #expect(DiagnosticRenderer().render(d) == """
        c.csv:7:45: error: `orders` is `twelve`, expected a whole number [E0502]
         7 | …Zoë,twelve,x…
           |      ^^^^^^

        """)
        #expect(DiagnosticRenderer().headline(d) == "c.csv:7:45: `orders` is `twelve`, expected a whole number [E0502]")
    }

    /// Bytes that are not text, and control characters, are shown `\xHH`, the carets
    /// still under the span.
    @Test func bytesThatAreNotTextShowAsHex() {
        let bytes: [UInt8] = Array("A,Caf".utf8) + [0xE9, 0x00] + Array(",x".utf8)
        let file = SourceFile(path: "c.csv", excerpt: bytes, line: 3, column: 1)
        let d = Diagnostic(.badCell, "`n` is `x`, expected a number", at: SourceSpan(file: file, start: 8, end: 9))
        let lines = DiagnosticRenderer().render(d).split(separator: "\n")
        #expect(lines[1] == #" 3 | A,Caf\xE9\x00,x"#)
        #expect(lines[2] == "   | " + String(repeating: " ", count: 14) + "^")
    }

    /// Only a place (the text is not shown), or no place at all.
    @Test func aPlaceWithoutTextAndNoPlace() {
        let place = Diagnostic(.otherEncoding, "the file is not UTF-8 text", at: SourceSpan(file: SourceFile(path: "c.csv", line: 2, column: 9), start: 0, end: 0),
                               help: "convert it")
        #expect(DiagnosticRenderer().render(place) == "c.csv:2:9: error: the file is not UTF-8 text [E0514]\n  = help: convert it\n")
        let nowhere = Diagnostic(.unreadableFile, "cannot read `x.csv`: no such file", at: SourceSpan(file: .nowhere, start: 0, end: 0))
        #expect(DiagnosticRenderer().render(nowhere) == "error: cannot read `x.csv`: no such file [E0601]\n")
        #expect(DiagnosticRenderer().headline(nowhere) == "cannot read `x.csv`: no such file [E0601]")
    }

    @Test(arguments: [("totl_spend", ["total_spend", "orders"], "total_spend"), ("platinum", ["Platinum", "Gold"], "Platinum"),
                      ("Gld", ["Gold", "Silver"], "Gold")])
    func suggestions(word: String, candidates: [String], expected: String) {
        #expect(Suggest.closest(to: word, among: candidates) == expected)
    }

    @Test func noSuggestionWhenNothingIsClose() {
        #expect(Suggest.closest(to: "zzz", among: ["total_spend"]) == nil)
    }
}
