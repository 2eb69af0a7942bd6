import Foundation
import PolicyValues
import PolicySyntax
import PolicySemantics
import PolicyRuntime
import PolicyTesting
import PolicyFiles

/// `policy test`: run the `test` blocks of policies and report each as PASS or FAIL.
enum TestCommand: Command {
    static let spec = CommandSpec(
        name: "test", overview: "Run the test blocks of policies and report each as PASS or FAIL.",
        arguments: [ArgumentSpec(name: "PATH", help: "Policy files, or folders to search for .policy files. Default: the current folder.",
                                 required: false, repeating: true)],
        options: [
            OptionSpec(name: "--filter", value: "TEXT", help: "Run only the tests whose name contains TEXT (ignoring case)."),
            OptionSpec(name: "--verbose", value: nil, help: "Show every expectation of every test, not only the failures."),
            OptionSpec(name: "--coverage", value: nil, help: "List, per policy file, the segment labels and rules no test reached."),
            OptionSpec(name: "--min-coverage", value: "N", help: "Fail (exit 1) when a policy file's coverage is below N percent."),
            OptionSpec(name: "--as-of", value: "DATE", help: "The date for tests without `as of` (YYYY-MM-DD). Default: today."),
        ],
        usageOptions: ["--filter", "--verbose", "--coverage", "--min-coverage"])

    static func execute(_ args: ParsedArguments, console: Console) -> ExitCode {
        let io = console.io
        let pipeline = Pipeline(console: console)
        var minimum: Double? = nil
        if let text = args.values["--min-coverage"] {
            guard let n = Double(text), n >= 0, n <= 100 else {
                console.usage(UsageError(message: "`--min-coverage` takes a percentage from 0 to 100, not `\(text)`"), command: spec)
                return .usageOrPolicyError
            }
            minimum = n
        }
        let today: CivilDate
        do {
            today = try pipeline.asOf(args.values["--as-of"])
        } catch {
            return error.code
        }
        let found = Folders.policyFiles(args.positionals.isEmpty ? ["."] : args.positionals)
        for path in found.missing { console.error(.unreadableFile, "cannot read `\(path)`: no such file or folder") }
        var policyErrors = !found.missing.isEmpty
        var fileErrors = !found.unreadable.isEmpty
        for error in found.unreadable { _ = console.report(error) }
        var runner = TestRunner(today: today, filter: args.values["--filter"])
        var results: [TestResult] = []
        for path in found.files {
            // Only files that declare tests are run (a shared schema file has none).
            let source: SourceFile
            do {
                source = SourceFile(path: path, bytes: try PolicyLoader.read(path))
            } catch {
                fileErrors = true
                _ = console.report(error)
                continue
            }
            let (parsed, parseBag) = Parser.parse(source)
            if parseBag.hasErrors { console.report(parseBag); policyErrors = true; continue }
            guard TestDiscovery.hasTests(parsed) else { continue }
            let (loaded, bag) = PolicyLoader.load(source)
            if console.report(bag) { policyErrors = true; continue }
            guard let policy = try? pipeline.check(loaded, customers: nil) else { policyErrors = true; continue }
            let fileResults = runner.run(policy, file: loaded.files[0].source)
            for result in fileResults { io.stdout.write(report(result, verbose: args.flag("--verbose"))) }
            results.append(contentsOf: fileResults)
        }
        let failed = results.filter { !$0.passed }.count
        var coverageFailed = false
        if args.flag("--coverage") || minimum != nil {
            let (text, below) = coverageReport(runner.coverage, minimum: minimum)
            io.stdout.write(text)
            coverageFailed = below
        }
        io.stdout.write("\(results.count - failed) passed, \(failed) failed\n")
        if policyErrors { return .usageOrPolicyError }
        if fileErrors { return .fileError }
        return failed > 0 || coverageFailed ? .testsFailed : .ok
    }

    static func report(_ result: TestResult, verbose: Bool) -> String {
        let time = String(format: "%.1f ms", result.seconds * 1000)
        var out = "\(result.passed ? "PASS" : "FAIL")  \(result.file): \(result.name)  (\(time))\n"
        if let error = result.setupError { out += "      error: \(error)\n" }
        if verbose {
            for check in result.checks { out += "      \(check.passed ? "ok  " : "FAIL") \(check.text)\n" }
        }
        for failure in result.failures {
            out += "      \(failure.location): \(failure.expectation)\n"
            out += "        customer \(failure.customer): \(failure.actual)\n"
        }
        return out
    }

    /// Per file: the percentage reached and what was not; true when one is below `minimum`.
    static func coverageReport(_ coverage: Coverage, minimum: Double?) -> (String, Bool) {
        var out = "coverage:\n"
        var below = false
        for (path, items) in coverage.files {
            let percent = Coverage.percent(items)
            let reached = items.filter(\.reached).count
            out += "  \(path): \(String(format: "%.0f", percent.rounded(.down)))% (\(reached) of \(items.count) labels and rules reached)\n"
            for item in items where !item.reached { out += "    not reached: \(item.description)\n" }
            if let minimum, percent < minimum {
                below = true
                out += "    below the minimum of \(String(format: "%g", minimum))%\n"
            }
        }
        return (out, below)
    }
}
