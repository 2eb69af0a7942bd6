import Foundation
import Testing

/// The documents a newcomer follows say what the tool does: every command they show
/// with its output is run, and must print that output.
///
/// The convention (written down in Docs/CLI.md, "Examples in these pages"): a
/// ```` ```console ```` block holds commands, each on a line starting with `$ ` (a line
/// ending in `\` goes on to the next), each followed by what it prints, standard output
/// and standard error together as a terminal shows them. In that output, a line `...`
/// stands for any number of lines, and a time such as `(0.7 ms)` for any time.
/// A ```` ```policy ```` block whose first line is a comment naming a file of the
/// repository (`# Docs/tutorial/3-tiers.policy`) shows that file whole.
///
/// The commands of one document run in order, in one scratch folder holding a copy of
/// `Rules/`, `Docs/` and `.policyignore`, with the built `policy` first on the `PATH`.
@Suite(.serialized)
struct DocsTests {
    static let documents = ["README.md", "Docs/Tutorial.md", "Docs/CLI.md"]

    /// One command of a console block and the output shown for it.
    struct Example {
        var line: Int
        var command: String
        var output: [String]
    }

    /// The commands of every ```console block of `text`, in order.
    static func examples(_ text: String) -> [Example] {
        var examples: [Example] = []
        var inConsole = false
        var continuing = false
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if !inConsole {
                inConsole = trimmed == "```console"
                continue
            }
            if trimmed == "```" {
                inConsole = false
                continue
            }
            if continuing {
                examples[examples.count - 1].command += "\n" + line
            } else if line.hasPrefix("$ ") {
                examples.append(Example(line: index + 1, command: String(line.dropFirst(2)), output: []))
            } else if !examples.isEmpty {
                examples[examples.count - 1].output.append(String(line))
                continue
            } else {
                Issue.record("line \(index + 1): a console block must start with a `$ ` command")
                continue
            }
            continuing = line.hasSuffix("\\")
        }
        return examples
    }

    /// Whether `actual` reads as `expected`, where a line `...` stands for any lines.
    static func matches(_ expected: ArraySlice<String>, _ actual: ArraySlice<String>) -> Bool {
        guard let first = expected.first else { return actual.isEmpty }
        if first == "..." {
            let rest = expected.dropFirst()
            return actual.indices.contains { matches(rest, actual[$0...]) } || matches(rest, actual[actual.endIndex...])
        }
        guard let line = actual.first, line == first else { return false }
        return matches(expected.dropFirst(), actual.dropFirst())
    }

    /// Times vary from run to run: `(0.7 ms)` reads as `(… ms)`.
    static func withoutTimes(_ line: String) -> String {
        line.replacingOccurrences(of: #"\([0-9]+(\.[0-9]+)? ms\)"#, with: "(… ms)", options: .regularExpression)
    }

    /// The lines a text holds, without the empty ones at its end.
    static func lines(_ text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    /// Runs `command` in bash in `folder`, standard error merged into standard output;
    /// `$?` is `previous`, the status of the command before, as in one shell session.
    static func run(_ command: String, in folder: URL, previous: Int32) throws -> (output: String, status: Int32) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "status() { return $1; }; status \(previous)\n" + command]
        process.currentDirectoryURL = folder
        let binaries = URL(fileURLWithPath: policyBinary).deletingLastPathComponent().path
        process.environment = ["PATH": binaries + ":/usr/bin:/bin", "NO_COLOR": "1", "LC_ALL": "C.UTF-8"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (String(decoding: output, as: UTF8.self), process.terminationStatus)
    }

    @Test(arguments: documents)
    func everyCommandShownPrintsWhatIsShown(_ document: String) throws {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent(document), encoding: .utf8)
        let examples = Self.examples(text)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("policy-docs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        for name in ["Rules", "Docs", ".policyignore"] {
            try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent(name), to: scratch.appendingPathComponent(name))
        }
        var status: Int32 = 0
        for example in examples {
            let ran = try Self.run(example.command, in: scratch, previous: status)
            status = ran.status
            let actual = Self.lines(ran.output).map(Self.withoutTimes)
            let expected = Self.lines(example.output.joined(separator: "\n")).map(Self.withoutTimes)
            #expect(Self.matches(expected[...], actual[...]),
                    "\(document):\(example.line): `\(example.command)` printed:\n\(actual.joined(separator: "\n"))")
        }
    }

    @Test func theDocumentsShowCommandsWithTheirOutput() throws {
        for document in Self.documents {
            let text = try String(contentsOf: repositoryRoot.appendingPathComponent(document), encoding: .utf8)
            #expect(!Self.examples(text).isEmpty, "\(document) shows no command with its output")
        }
    }

    /// A policy block that names its file (`# Docs/tutorial/3-tiers.policy` on its first
    /// line) shows that file as it is.
    @Test(arguments: documents)
    func aPolicyBlockThatNamesItsFileShowsIt(_ document: String) throws {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent(document), encoding: .utf8)
        var block: [Substring]? = nil
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if block == nil {
                if line.trimmingCharacters(in: .whitespaces) == "```policy" { block = [] }
                continue
            }
            guard line.trimmingCharacters(in: .whitespaces) != "```" else {
                if let first = block?.first, first.hasPrefix("# "), first.hasSuffix(".policy") {
                    let path = String(first.dropFirst(2))
                    let file = try String(contentsOf: repositoryRoot.appendingPathComponent(path), encoding: .utf8)
                    #expect(file == block!.joined(separator: "\n") + "\n", "\(document): the block of `\(path)` differs from the file")
                }
                block = nil
                continue
            }
            block?.append(line)
        }
    }

    @Test(arguments: [
        (["a", "b"], ["a", "b"], true),
        (["a", "..."], ["a", "b", "c"], true),
        (["...", "c"], ["a", "b", "c"], true),
        (["a", "...", "c"], ["a", "c"], true),
        (["a", "...", "c"], ["a", "b"], false),
        (["a"], ["a", "b"], false),
        ([], [], true),
    ])
    func anEllipsisStandsForAnyLines(expected: [String], actual: [String], result: Bool) {
        #expect(Self.matches(expected[...], actual[...]) == result)
    }

    @Test func consoleBlocksAreReadAsCommandsAndOutputs() {
        let text = """
            ```console
            $ policy check a.policy \\
                --customers c.csv
            a.policy: ok
            $ echo $?
            0
            ```
            ```text
            $ not run
            ```
            """
        let examples = Self.examples(text)
        #expect(examples.map(\.command) == ["policy check a.policy \\\n    --customers c.csv", "echo $?"])
        #expect(examples.map(\.output) == [["a.policy: ok"], ["0"]])
        #expect(examples.map(\.line) == [2, 5])
    }
}
