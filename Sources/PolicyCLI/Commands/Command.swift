/// A subcommand of `policy`: its declaration (from which parsing and help come)
/// and what it does. Each command lives in its own file. Its type is captured by the
/// registry's closures, which may run on any thread: hence `SendableMetatype`.
protocol Command: SendableMetatype {
    static var spec: CommandSpec { get }
    /// Runs the command; a step that has reported why it cannot go on throws the exit code.
    static func execute(_ arguments: ParsedArguments, console: Console) throws(Stop) -> ExitCode
}

extension Command {
    /// For commands not built yet: say so plainly rather than pretend.
    static func notAvailable(console: Console) -> ExitCode {
        console.error(.usage, "`policy \(spec.name)` is not available in this version yet",
                      help: "`policy check` reports every error in a policy; `policy run` applies it")
        return .usageOrPolicyError
    }
}

/// A command in the registry: its spec and its entry point, as plain values.
struct CommandEntry: Sendable {
    let spec: CommandSpec
    let execute: @Sendable (ParsedArguments, Console) -> ExitCode

    init<C: Command>(_ command: C.Type) {
        spec = C.spec
        execute = { arguments, console in Self.run(C.self, arguments, console: console) }
    }

    /// A command's exit code, whether it ends or stops.
    private static func run<C: Command>(_ command: C.Type, _ arguments: ParsedArguments, console: Console) -> ExitCode {
        do {
            return try C.execute(arguments, console: console)
        } catch {
            return error.code
        }
    }

    func execute(_ arguments: ParsedArguments, console: Console) -> ExitCode {
        execute(arguments, console)
    }
}
