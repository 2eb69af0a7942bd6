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

    @Test(arguments: [("totl_spend", ["total_spend", "orders"], "total_spend"), ("platinum", ["Platinum", "Gold"], "Platinum"),
                      ("Gld", ["Gold", "Silver"], "Gold")])
    func suggestions(word: String, candidates: [String], expected: String) {
        #expect(Suggest.closest(to: word, among: candidates) == expected)
    }

    @Test func noSuggestionWhenNothingIsClose() {
        #expect(Suggest.closest(to: "zzz", among: ["total_spend"]) == nil)
    }
}
