import Foundation
import Testing
@testable import PolicyCLI

/// The end-to-end corpus: each folder of `Cases/` holds a policy, its data, the
/// `command` line (arguments after `policy`, paths relative to the folder), and the
/// expected `stdout`, `stderr` and `exit` code. `POLICY_RECORD=1` re-records them.
@Suite(.serialized)
struct CaseTests {
    static let names: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: casesDirectory.path)) ?? []).sorted()

    @Test func thereAreCases() {
        #expect(Self.names.count >= 10)
    }

    @Test(arguments: names)
    func runCase(_ name: String) throws {
        let dir = casesDirectory.appendingPathComponent(name)
        let command = try String(contentsOf: dir.appendingPathComponent("command"), encoding: .utf8)
        let arguments = command.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        let stdinURL = dir.appendingPathComponent("stdin")
        let stdin = (try? String(contentsOf: stdinURL, encoding: .utf8)) ?? ""
        // Paths in messages are relative to the case folder, as a user would type them.
        let previous = FileManager.default.currentDirectoryPath
        try #require(FileManager.default.changeCurrentDirectoryPath(dir.path), "cannot enter \(dir.path)")
        let outcome = policy(arguments, stdin: stdin)
        #expect(FileManager.default.changeCurrentDirectoryPath(previous), "cannot go back to \(previous)")

        let record = ProcessInfo.processInfo.environment["POLICY_RECORD"] != nil
        for (file, actual) in [("stdout", outcome.stdout), ("stderr", outcome.stderr), ("exit", "\(outcome.code)\n")] {
            let url = dir.appendingPathComponent(file)
            if record {
                try actual.write(to: url, atomically: true, encoding: .utf8)
            } else {
                let expected = (try? String(contentsOf: url, encoding: .utf8)) ?? "<missing \(file)>"
                #expect(actual == expected, "case \(name): \(file) differs")
            }
        }
    }
}
