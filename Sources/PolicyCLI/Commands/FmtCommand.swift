/// `policy fmt`: rewrite policy files in the one canonical layout.
enum FmtCommand: Command {
    static let spec = CommandSpec(
        name: "fmt", overview: "Format policy files (not available in this version yet).",
        arguments: [ArgumentSpec(name: "PATH", help: "Policy files.", required: false, repeating: true)],
        options: [], usageOptions: [])

    static func execute(_ arguments: ParsedArguments, console: Console) -> ExitCode {
        notAvailable(console: console)
    }
}
