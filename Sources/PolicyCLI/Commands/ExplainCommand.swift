/// `policy explain`: why one customer got (or did not get) each action.
enum ExplainCommand: Command {
    static let spec = CommandSpec(
        name: "explain", overview: "Explain the actions for one customer (not available in this version yet).",
        arguments: [ArgumentSpec(name: "POLICY", help: "The .policy file.")],
        options: [], usageOptions: [])

    static func execute(_ arguments: ParsedArguments, console: Console) -> ExitCode {
        notAvailable(console: console)
    }
}
