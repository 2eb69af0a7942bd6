import PolicySyntax
import PolicyFiles

/// The `policy` command line: picks the command, parses its arguments, runs it and
/// returns the exit code. Everything it prints goes through `io`, so tests run it
/// in-process.
public enum PolicyCLI {
    /// The release, in the one place it is written: `policy --version`, `policy version`
    /// and `policy --help` print it. 1.x implements sections 1-4 of the product
    /// specification.
    public static let version = "1.0.0"

    static let overview = "Apply customer-segmentation policies to customer files."

    /// Every command, in the order help lists them.
    static let commands: [CommandEntry] = [
        CommandEntry(RunCommand.self), CommandEntry(CheckCommand.self), CommandEntry(TestCommand.self),
        CommandEntry(ExplainCommand.self), CommandEntry(DiffCommand.self), CommandEntry(FmtCommand.self), CommandEntry(VersionCommand.self),
    ]

    /// Runs `policy ARGUMENTS` and returns the process exit code (SPEC section 3).
    public static func main(_ arguments: [String], io: IO) -> Int32 {
        let code = command(arguments, io: io)
        return finish(io, code: code).rawValue
    }

    /// Everything a command wrote reaches standard output, or the command fails with
    /// exit code 4; a reader that went away (`policy run ... | head`) ends it quietly,
    /// with the command's own code. Standard error is flushed last, for what failed.
    static func finish(_ io: IO, code: Int32) -> ExitCode {
        var result = ExitCode(rawValue: code) ?? .usageOrPolicyError
        do {
            try io.stdout.finish()
        } catch where error.isBrokenPipe {
        } catch {
            result = Console(io: io).report(error).code
        }
        io.stderr.flush()
        return result
    }

    static func command(_ arguments: [String], io: IO) -> Int32 {
        let console = Console(io: io)
        guard let name = arguments.first else {
            io.stderr.write(help)
            return ExitCode.usageOrPolicyError.rawValue
        }
        if name == "--help" || name == "-h" || name == "help" {
            io.stdout.write(help)
            return ExitCode.ok.rawValue
        }
        if name == "--version" || name == "-V" {
            io.stdout.write(VersionCommand.line)
            return ExitCode.ok.rawValue
        }
        guard let command = commands.first(where: { $0.spec.name == name }) else {
            let guess = Suggest.closest(to: name, among: commands.map(\.spec.name))
            console.usage(UsageError(message: "unknown command `\(name)`", help: guess.map { "did you mean `\($0)`?" }), command: nil)
            return ExitCode.usageOrPolicyError.rawValue
        }
        let spec = command.spec
        let parsed: ParsedArguments
        do {
            parsed = try spec.parse(Array(arguments.dropFirst()))
        } catch {
            console.usage(error, command: spec)
            return ExitCode.usageOrPolicyError.rawValue
        }
        if parsed.help {
            io.stdout.write(spec.help)
            return ExitCode.ok.rawValue
        }
        return command.execute(parsed, console: console).rawValue
    }

    static var help: String {
        var out = "OVERVIEW: \(overview)\n\nVERSION: \(version)\n\nUSAGE: policy COMMAND [OPTIONS]\n\nSUBCOMMANDS:\n"
        for command in commands {
            out += CommandSpec.row(command.spec.name, command.spec.overview)
        }
        out += "\nOPTIONS:\n"
        out += CommandSpec.row("-V, --version", "Print the version.")
        out += CommandSpec.row("-h, --help", "Show help information.")
        out += "\n  See 'policy COMMAND --help' for a command's options.\n"
        return out
    }
}
