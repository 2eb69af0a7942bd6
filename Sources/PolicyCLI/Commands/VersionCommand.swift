/// `policy version` (also `policy --version` and `-V`): which release this is, for a
/// bug report or a script that needs a given one.
enum VersionCommand: Command {
    static let spec = CommandSpec(
        name: "version", overview: "Print the version of policy.",
        arguments: [], options: [], usageOptions: [])

    /// What every way of asking prints: the command's name and `PolicyCLI.version`.
    static var line: String { "policy \(PolicyCLI.version)\n" }

    static func execute(_ args: ParsedArguments, console: Console) -> ExitCode {
        console.io.stdout.write(line)
        return .ok
    }
}
