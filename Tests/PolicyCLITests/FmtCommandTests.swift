import Foundation
import Testing
@testable import PolicyCLI

struct FmtCommandTests {
    static let messy = "let a=1\nrule \"r\" when a>1 then tag \"x\"  # why\n"
    static let tidy = "let a = 1\n\nrule \"r\"\n  when a > 1\n  then tag \"x\" # why\n"

    @Test func helpIsGeneratedFromTheDeclaredOptions() {
        let outcome = policy(["fmt", "--help"])
        #expect(outcome.code == 0)
        #expect(outcome.stderr == "")
        expectGolden(outcome.stdout, "help-fmt.txt")
    }

    @Test func rewritesFilesThatChangeAndNamesThem() throws {
        try withFiles(["a.policy": Self.messy, "b.policy": Self.tidy]) { (dir: URL) throws in
            let a = dir.appendingPathComponent("a.policy").path, b = dir.appendingPathComponent("b.policy").path
            let outcome = policy(["fmt", a, b])
            #expect(outcome == Outcome(code: 0, stdout: "formatted \(a)\n", stderr: ""))
            #expect(try String(contentsOfFile: a, encoding: .utf8) == Self.tidy)
            // Formatting again changes nothing and says nothing.
            #expect(policy(["fmt", a, b]) == Outcome(code: 0, stdout: "", stderr: ""))
            // No temporary file is left beside them.
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["a.policy", "b.policy"])
        }
    }

    @Test func checkChangesNothingAndExitsOneWhenAFileWouldChange() throws {
        try withFiles(["a.policy": Self.messy, "b.policy": Self.tidy]) { (dir: URL) throws in
            let a = dir.appendingPathComponent("a.policy").path, b = dir.appendingPathComponent("b.policy").path
            #expect(policy(["fmt", "--check", a, b]) == Outcome(code: 1, stdout: "would reformat \(a)\n", stderr: ""))
            #expect(try String(contentsOfFile: a, encoding: .utf8) == Self.messy)
            #expect(policy(["fmt", "--check", b]) == Outcome(code: 0, stdout: "", stderr: ""))
        }
    }

    @Test func foldersAreWalkedInSortedOrder() throws {
        try withFiles(["r/z.policy": Self.messy, "r/sub/a.policy": Self.messy, "r/notes.txt": "x=1", "r/ok.policy": Self.tidy]) { (dir: URL) throws in
            let root = dir.appendingPathComponent("r").path
            let outcome = policy(["fmt", "--check", root + "/"])
            #expect(outcome == Outcome(code: 1, stdout: "would reformat \(root)/sub/a.policy\nwould reformat \(root)/z.policy\n", stderr: ""))
            #expect(try String(contentsOfFile: root + "/notes.txt", encoding: .utf8) == "x=1")
        }
    }

    @Test func aFileThatDoesNotParseIsReportedAndLeftAlone() throws {
        try withFiles(["bad.policy": "let a = = 1\n", "a.policy": Self.messy]) { (dir: URL) throws in
            let bad = dir.appendingPathComponent("bad.policy").path, a = dir.appendingPathComponent("a.policy").path
            let outcome = policy(["fmt", bad, a])
            #expect(outcome.code == 2)
            #expect(outcome.stderr.hasPrefix("\(bad):1:9: error: expected a value, found `=` [E0107]"))
            #expect(try String(contentsOfFile: bad, encoding: .utf8) == "let a = = 1\n")
            // The other files are still formatted.
            #expect(outcome.stdout == "formatted \(a)\n")
        }
    }

    @Test func aMissingPathIsAnError() {
        let outcome = policy(["fmt", "/no/such/place.policy"])
        #expect(outcome.code == 2)
        #expect(outcome.stderr == "error: cannot read `/no/such/place.policy`: no such file or folder [E0601]\n")
    }

    @Test func everyFileInRulesIsFormatted() {
        let outcome = policy(["fmt", "--check", repositoryRoot.appendingPathComponent("Rules").path])
        #expect(outcome == Outcome(code: 0, stdout: "", stderr: ""))
    }
}
