import PolicySyntax
import PolicyData
import PolicyFiles

/// How a command talks to the person running it: diagnostics and errors on
/// standard error, in the compiler style of SPEC section 3.
struct Console {
    let io: IO
    var renderer: DiagnosticRenderer { DiagnosticRenderer(colour: io.colour) }

    /// Prints diagnostics; true when any is an error.
    @discardableResult
    func report(_ bag: DiagnosticBag) -> Bool {
        io.stderr.write(renderer.render(bag.sorted))
        if bag.dropped > 0 { note("... and \(bag.dropped) more") }
        let errors = bag.items.filter { $0.severity == .error }.count
        if errors > 1 { note("\(errors) errors") }
        return bag.hasErrors
    }

    /// An error with no place in a file (a file that cannot be read, a bad flag value).
    func error(_ code: DiagnosticCode, _ message: String, help: String? = nil) {
        report(Diagnostic(code, message, at: SourceSpan(file: .nowhere, start: 0, end: 0), help: help))
    }

    /// One diagnostic, as the renderer draws it.
    func report(_ diagnostic: Diagnostic) {
        io.stderr.write(renderer.render(diagnostic))
    }

    /// A customer file that cannot be used: where, and the line of data.
    func report(_ error: DataError) {
        report(error.diagnostic)
    }

    /// A line that is no diagnostic: a count, or what was left unsaid.
    func note(_ text: String) {
        io.stderr.write(text + "\n")
    }

    /// A file that could not be read or written: one line, and the stop with exit
    /// code 4 (2 when the file was refused as not fit to be read).
    func report(_ error: FileError) -> Stop {
        let code: DiagnosticCode
        switch error.kind {
        case .tooLarge: code = .fileTooLarge
        case .notText: code = .notText
        default: code = error.action == .read ? .unreadableFile : .unwritableFile
        }
        self.error(code, error.message, help: error.help)
        return Stop(code: .fileError)
    }

    /// A usage error in the shape of swift-argument-parser: the error, the usage,
    /// and where to read more.
    func usage(_ error: UsageError, command: CommandSpec?) {
        var out = "Error: \(error.message)\n"
        if let help = error.help { out += "Help: \(help)\n" }
        if let command {
            out += "Usage: \(command.usage)\n  See 'policy \(command.name) --help' for more information.\n"
        } else {
            out += "Usage: policy COMMAND ...\n  See 'policy --help' for more information.\n"
        }
        io.stderr.write(out)
    }
}
