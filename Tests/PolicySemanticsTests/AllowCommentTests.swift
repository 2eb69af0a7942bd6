import Foundation
import Testing
import PolicySyntax
@testable import PolicySemantics

/// `# policy: allow CODE`: a warning silenced where it is meant, and W0106 for an
/// allow that silences nothing. Lines are counted from the source after the schema.
struct AllowCommentTests {
    static let impossible = "rule \"mid\" when spend >= 100 and spend < 50 then discount 5%"
    /// W0105 for `impossible` on line `line`.
    static func mid(_ line: Int) -> String {
        "\(line):6 W0105 rule \"mid\" can never fire: its condition `spend >= 100 and spend < 50` never holds"
    }

    /// Line `line` of the source, counted in the whole file (after the schema), as messages count.
    static func fileLine(_ line: Int) -> Int {
        lintSchema.split(separator: "\n", omittingEmptySubsequences: false).count - 1 + line
    }

    /// The warnings of `source` but those of the schema's fields, which these tests leave unused.
    func warnings(_ source: String) -> [String] {
        lintWarnings(source, nil).filter { !$0.hasPrefix("-") && !$0.hasPrefix("0:") }
    }

    @Test(arguments: [
        ("on the line before", "# policy: allow W0105\n\(impossible)\n"),
        ("with a reason", "# policy: allow W0105 because the bounds are filled in next quarter\n\(impossible)\n"),
        ("past other comments and a blank line", "# policy: allow W0105\n# kept for next quarter\n\n\(impossible)\n"),
        ("in lower case, with spaces", "#policy:   allow   w0105\n\(impossible)\n"),
        ("among other codes", "# policy: allow W0102, W0105,W0104 because\n\(impossible)\n"),
    ])
    func anAllowSilencesItsWarning(_ name: String, source: String) {
        let warnings = warnings(source)
        let unused = warnings.filter { $0.contains("W0106") }
        #expect(warnings.filter { !$0.contains("W0106") } == [], "\(name)")
        // Codes listed for other warnings that are not there are still reported.
        #expect(unused.allSatisfy { $0.contains("the allow of `W0102`") || $0.contains("the allow of `W0104`") }, "\(name)")
    }

    @Test(arguments: [
        ("another code", "# policy: allow W0103\n\(impossible)\n",
         ["1:17 W0106 the allow of `W0103` silences nothing: there is no W0103 warning on line \(fileLine(2))", mid(2)]),
        ("two lines above", "# policy: allow W0105\nlet x = 1\n\(impossible)\n",
         ["1:17 W0106 the allow of `W0105` silences nothing: there is no W0105 warning on line \(fileLine(2))",
          "2:5 W0103 the let `x` is never used", mid(3)]),
        ("nothing below", "\(impossible)\n# policy: allow W0105\n",
         [mid(1), "2:17 W0106 the allow of `W0105` silences nothing: there is no W0105 warning below it"]),
        ("an unknown code", "# policy: allow W0150\n\(impossible)\n",
         ["1:17 W0106 no warning has the code `W0150`", mid(2)]),
        ("an error's code", "# policy: allow E0201\n\(impossible)\n",
         ["1:17 W0106 `E0201` is an error, and errors cannot be allowed", mid(2)]),
        ("W0106 itself", "# policy: allow W0106\n\(impossible)\n",
         ["1:17 W0106 `W0106` cannot be allowed", mid(2)]),
        ("no code", "# policy: allow because it is fine\n\(impossible)\n",
         ["1:1 W0106 this allow names no warning", mid(2)]),
        ("at the end of a line", "\(impossible) # policy: allow W0105\n",
         [mid(1), "1:62 W0106 an allow must stand on a line of its own, before the code it concerns"]),
        ("a misspelt directive", "# policy: alow W0105\n\(impossible)\n",
         ["1:11 W0106 `alow` is not something `# policy:` understands", mid(2)]),
    ])
    func anAllowThatSilencesNothingIsAWarning(_ name: String, source: String, expected: [String]) {
        #expect(warnings(source) == expected, "\(name)")
    }

    @Test func formattingKeepsAnAllowBeforeItsCode() {
        let source = """
            customer { id text key  spend money  score int? }
            segment band { Low when spend >= 0
            # policy: allow W0101
            High when spend >= 10 Rest otherwise }
            # policy: allow W0104 because no score, no discount
            rule "a" when score > 1 then discount 5%
            # policy: allow W0102 because both discounts are meant
            rule "b" when spend > 1 then discount 6%
            """
        let (parsed, _) = Parser.parse(SourceFile(path: "t.policy", text: source))
        let formatted = PolicyFormatter.format(parsed)
        let (loaded, _) = PolicyLoader.load(SourceFile(path: "t.policy", text: formatted))
        guard let policy = Checker.check(loaded).0 else { Issue.record("does not check:\n\(formatted)"); return }
        let report = Linter.report(loaded, policy)
        #expect(report.warnings.items.map(\.code) == [], "\(formatted)")
        #expect(report.allowed == 3)
    }

    @Test func aCommentThatMerelyMentionsPolicyIsNoDirective() {
        #expect(warnings("# this policy: allow W0105 means nothing\n\(Self.impossible)\n") == [Self.mid(2)])
    }

    @Test func allowsPastTheCapOfAHundredWarningsStillSilenceTheirs() {
        let source = (1...150).map { "# policy: allow W0105\nrule \"r\($0)\" when spend >= 100 and spend < 50 then tag \"t\"\n" }.joined()
        #expect(warnings(source) == [])
    }

    @Test func manyAllowsInARowAreReadInOnePass() {
        // Each allow applies to the one rule after all of them, and silences its warning;
        // a search from each one through the others would take 40,000² steps.
        let source = String(repeating: "# policy: allow W0105\n", count: 40_000) + "\(Self.impossible)\n"
        #expect(warnings(source) == [])
    }

    @Test func aByteOrderMarkIsNotCode() throws {
        let file = SourceFile(path: "t.policy", text: "\u{FEFF}# policy: allow W0105\n" + lintSchema + "\(Self.impossible)\n")
        let (loaded, _) = PolicyLoader.load(file)
        let policy = try #require(Checker.check(loaded).0)
        let report = Linter.report(loaded, policy)
        #expect(report.warnings.items.map(\.code).contains(.uselessAllow))
        #expect(report.warnings.items.contains { $0.code == .impossibleRule })
    }

    @Test func theCountOfAllowedWarningsIsKept() throws {
        let file = SourceFile(path: "t.policy", text: lintSchema + "# policy: allow W0105\n\(Self.impossible)\n")
        let (loaded, _) = PolicyLoader.load(file)
        let policy = try #require(Checker.check(loaded).0)
        let report = Linter.report(loaded, policy)
        #expect(report.allowed == 1)
        #expect(!report.warnings.items.contains { $0.code == .impossibleRule })
    }

    @Test func aUsedFilesStaleAllowIsNotReportedButItsAllowsWork() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("allow-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let shared = lintSchema + """
            # policy: allow W0103 because the policies that use this file read it
            let shared_unused = spend * 2
            segment band {
              Low  when spend >= 0
              # policy: allow W0101 because a negative spend is a refund, kept apart
              High when spend >= 10
              Rest otherwise
            }

            """
        try shared.write(to: dir.appendingPathComponent("shared.policy"), atomically: true, encoding: .utf8)
        let main = dir.appendingPathComponent("main.policy")
        try "use \"shared.policy\"\nrule \"r\" when band = Low then tag \"x\"\n".write(to: main, atomically: true, encoding: .utf8)
        let (loaded, _) = try PolicyLoader.load(path: main.path)
        let policy = try #require(Checker.check(loaded).0)
        let report = Linter.report(loaded, policy)
        #expect(report.warnings.items.map(\.code) == [])
        #expect(report.allowed == 1)
    }

    @Test func aFileWithNoSegmentRuleOrTestIsASharedSchemaAndItsNamesAreNotUnused() {
        #expect(lintWarnings("let doubled = spend * 2\n", nil) == [])
        #expect(warnings("let doubled = spend * 2\nrule \"r\" when orders > 1 then tag \"x\"\n")
            == ["1:5 W0103 the let `doubled` is never used"])
    }
}
