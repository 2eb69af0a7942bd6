import Testing
@testable import PolicySyntax

/// A small deterministic generator, so a failing input can be reproduced.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state
    }
}

/// Text made of policy fragments and stray bytes, the kind of thing a half-edited
/// file holds.
func randomPolicyText(_ g: inout SeededGenerator) -> String {
    let pieces = ["rule", "\"r\"", "when", "then", "let", "x", "=", "==", "segment", "{", "}", "(", ")", "[", "]", ",",
                  "customer", "id", "text", "key", "?", "??", "and", "or", "not", "in", "between", "is", "none", "15%",
                  "2026-02-30", "2026-11-22", "1_000", "0.5", "7 days", "\"{x}\"", "\"{\"", "\"\\u{110000}\"", "`a b`", "`",
                  "discount", "alert", "severity", "contact", "within", "resolve", "by", "max", "per", "test", "expect",
                  "as", "of", "#c\n", "\n", " ", "金额", "\u{FEFF}", "&&", "!", "$", "-", "+", "*", "/", "<", ">=", ":", "."]
    var text = ""
    for _ in 0..<Int.random(in: 1...60, using: &g) {
        text += pieces[Int.random(in: 0..<pieces.count, using: &g)] + " "
    }
    return text
}

struct RobustnessTests {
    @Test func randomTextNeverCrashesTheParser() {
        var g = SeededGenerator(state: 20261122)
        for _ in 0..<3000 {
            let (_, bag) = Parser.parse(SourceFile(path: "fuzz.policy", text: randomPolicyText(&g)))
            _ = DiagnosticRenderer().render(bag.items)
        }
    }

    @Test func randomBytesNeverCrashTheParser() {
        var g = SeededGenerator(state: 7)
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 0...80, using: &g)).map { _ in UInt8.random(in: 0...255, using: &g) }
            let (_, bag) = Parser.parse(SourceFile(path: "fuzz.policy", bytes: bytes))
            _ = DiagnosticRenderer().render(bag.items)
        }
    }

    @Test(arguments: [
        "let x = " + Array(repeating: "1", count: 50_000).joined(separator: " + "),
        "let x = " + Array(repeating: "a", count: 50_000).joined(separator: " and "),
        "let x = " + String(repeating: "not ", count: 50_000) + "a",
        "let x = " + String(repeating: "-", count: 50_000) + "1",
        "let x = " + Array(repeating: "a", count: 50_000).joined(separator: " ?? "),
        "let x = " + String(repeating: "[", count: 50_000),
        "let x = " + String(repeating: "f(", count: 50_000),
        "let x = \"" + String(repeating: "{\"", count: 50_000),
    ])
    func hugeExpressionsAreErrorsNotCrashes(source: String) {
        let (_, bag) = Parser.parse(SourceFile(path: "deep.policy", text: source))
        #expect(bag.hasErrors)
    }

    @Test func aLongButShallowExpressionIsFine() {
        let source = "let x = " + Array(repeating: "1", count: 100).joined(separator: " + ")
        let (_, bag) = Parser.parse(SourceFile(path: "ok.policy", text: source))
        #expect(bag.items.isEmpty)
    }
}
