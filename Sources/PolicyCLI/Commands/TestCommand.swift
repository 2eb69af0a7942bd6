/// `policy test`: run the `test` blocks of policies.
enum TestCommand: Command {
    static let spec = CommandSpec(
        name: "test", overview: "Run the test blocks of policies (not available in this version yet).",
        arguments: [ArgumentSpec(name: "PATH", help: "Policy files or folders.", required: false, repeating: true)],
        options: [], usageOptions: [])

    static func execute(_ arguments: ParsedArguments, console: Console) -> ExitCode {
        notAvailable(console: console)
    }
}
