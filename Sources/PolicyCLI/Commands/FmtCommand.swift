import PolicySyntax
import PolicySemantics
import PolicyFiles

/// `policy fmt`: rewrite policy files in the one canonical layout, or with
/// `--check` only say which files are not in it (for CI).
enum FmtCommand: Command {
    static let spec = CommandSpec(
        name: "fmt",
        overview: "Rewrite policy files in the standard layout, keeping every comment.",
        arguments: [ArgumentSpec(name: "PATH", help: "Policy files, or folders whose .policy files are all formatted (default: the current folder).",
                                 required: false, repeating: true)],
        options: [
            OptionSpec(name: "--check", value: nil, help: "Change nothing; name the files that would change and exit 1 if any would."),
        ],
        usageOptions: ["--check"])

    static func execute(_ args: ParsedArguments, console: Console) -> ExitCode {
        let check = args.flag("--check")
        var failed = false
        var fileFailed = false
        var changed = false
        let found = Folders.policyFiles(args.positionals.isEmpty ? ["."] : args.positionals)
        for path in found.missing {
            console.error(.unreadableFile, "cannot read `\(path)`: no such file or folder")
            failed = true
        }
        for error in found.unreadable {
            _ = console.report(error)
            fileFailed = true
        }
        for path in found.files {
            let bytes: [UInt8]
            do {
                bytes = try PolicyLoader.read(path)
            } catch {
                _ = console.report(error)
                fileFailed = true
                continue
            }
            let (policy, bag) = Parser.parse(SourceFile(path: path, bytes: bytes))
            // A file that does not parse is reported and left as it is: the formatter
            // never guesses what broken text meant.
            if bag.hasErrors {
                console.report(bag)
                failed = true
                continue
            }
            let formatted = PolicyFormatter.format(policy)
            guard !formatted.utf8.elementsEqual(bytes) else { continue }
            changed = true
            if check {
                console.io.stdout.write("would reformat \(path)\n")
                continue
            }
            do {
                try OutputFile.write(path) { $0.write(formatted) }
                console.io.stdout.write("formatted \(path)\n")
            } catch {
                _ = console.report(error)
                fileFailed = true
            }
        }
        if failed { return .usageOrPolicyError }
        if fileFailed { return .fileError }
        return check && changed ? .testsFailed : .ok
    }
}
