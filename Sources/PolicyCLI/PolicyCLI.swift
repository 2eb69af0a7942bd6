import PolicySyntax

/// The `policy` command line: picks the command, parses its arguments, runs it and
/// returns the exit code. Everything it prints goes through `io`, so tests run it
/// in-process.
public enum PolicyCLI {
    static let overview = "Apply customer-segmentation policies to customer files."

    /// Runs `policy ARGUMENTS` and returns the process exit code (SPEC section 3).
    public static func main(_ arguments: [String], io: IO) -> Int32 {
        let console = Console(io: io)
        defer {
            io.stdout.flush()
            io.stderr.flush()
        }
        guard let name = arguments.first else {
            io.stderr.write(help)
            return ExitCode.usageOrPolicyError.rawValue
        }
        if name == "--help" || name == "-h" || name == "help" {
            io.stdout.write(help)
            return ExitCode.ok.rawValue
        }
        let pending = PendingCommand.specs.first { $0.name == name }
        let specs = [RunCommand.spec, CheckCommand.spec] + PendingCommand.specs
        guard let spec = specs.first(where: { $0.name == name }) else {
            let guess = Suggest.closest(to: name, among: specs.map(\.name))
            console.usage(UsageError(message: "unknown command `\(name)`", help: guess.map { "did you mean `\($0)`?" }), command: nil)
            return ExitCode.usageOrPolicyError.rawValue
        }
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
        let code: ExitCode
        if let pending {
            code = PendingCommand.execute(pending, console: console)
        } else if name == "run" {
            code = RunCommand.execute(parsed, console: console)
        } else {
            code = CheckCommand.execute(parsed, console: console)
        }
        return code.rawValue
    }

    static var help: String {
        var out = "OVERVIEW: \(overview)\n\nUSAGE: policy COMMAND [OPTIONS]\n\nSUBCOMMANDS:\n"
        for spec in [RunCommand.spec, CheckCommand.spec] + PendingCommand.specs {
            out += CommandSpec.row(spec.name, spec.overview)
        }
        out += "\n  See 'policy COMMAND --help' for a command's options.\n"
        return out
    }
}
