import PolicySyntax

/// One option of a command, declared once: parsing and help text both come from it.
struct OptionSpec {
    var name: String
    /// The value's placeholder (`FILE`); nil for a flag.
    var value: String?
    var help: String
}

/// A positional argument.
struct ArgumentSpec {
    var name: String
    var help: String
    var required: Bool = true
    var repeating: Bool = false
}

/// A command's declaration: what it is for, its arguments and options.
struct CommandSpec {
    var name: String
    var overview: String
    var arguments: [ArgumentSpec]
    var options: [OptionSpec]
    /// Options shown in the usage line (the rest only under OPTIONS).
    var usageOptions: [String]
    var required: Set<String> = []

    var usage: String {
        var parts = ["policy", name]
        for option in options where usageOptions.contains(option.name) {
            let text = option.value.map { "\(option.name) \($0)" } ?? option.name
            parts.append(required.contains(option.name) ? text : "[\(text)]")
        }
        // Positionals go where people write them: right after the command name.
        let positionals = arguments.map { a in
            let text = a.repeating ? "\(a.name) ..." : a.name
            return a.required ? text : "[\(text)]"
        }
        parts.insert(contentsOf: positionals, at: 2)
        return parts.joined(separator: " ")
    }

    var help: String {
        var out = "OVERVIEW: \(overview)\n\nUSAGE: \(usage)\n"
        if !arguments.isEmpty {
            out += "\nARGUMENTS:\n"
            for a in arguments { out += Self.row(a.name, a.help) }
        }
        out += "\nOPTIONS:\n"
        for o in options { out += Self.row(o.value.map { "\(o.name) \($0)" } ?? o.name, o.help) }
        out += Self.row("-h, --help", "Show help information.")
        return out
    }

    static func row(_ left: String, _ right: String) -> String {
        let padded = left.count < 24 ? left + String(repeating: " ", count: 24 - left.count) : left + "\n" + String(repeating: " ", count: 26)
        return "  \(padded)\(right)\n"
    }

    /// Parses the arguments after the command name.
    func parse(_ arguments: [String]) throws(UsageError) -> ParsedArguments {
        var parsed = ParsedArguments()
        var index = 0
        var onlyPositionals = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if onlyPositionals || !argument.hasPrefix("-") || argument == "-" {
                parsed.positionals.append(argument)
                continue
            }
            if argument == "--" { onlyPositionals = true; continue }
            if argument == "-h" || argument == "--help" { parsed.help = true; continue }
            var name = argument
            var inline: String? = nil
            if let eq = argument.firstIndex(of: "=") {
                name = String(argument[..<eq])
                inline = String(argument[argument.index(after: eq)...])
            }
            guard let option = options.first(where: { $0.name == name }) else {
                let guess = Suggest.closest(to: name, among: options.map(\.name) + ["--help"])
                throw UsageError(message: "unknown option `\(name)`", help: guess.map { "did you mean `\($0)`?" })
            }
            if option.value == nil {
                if inline != nil { throw UsageError(message: "`\(name)` takes no value") }
                parsed.flags.insert(name)
                continue
            }
            let value: String
            if let inline {
                value = inline
            } else if index < arguments.count, !(arguments[index].hasPrefix("--") && arguments[index].count > 2) {
                value = arguments[index]
                index += 1
            } else {
                throw UsageError(message: "`\(name)` needs a value", help: "write \(name) \(option.value!)")
            }
            if parsed.values[name] != nil { throw UsageError(message: "`\(name)` is given twice") }
            parsed.values[name] = value
        }
        if parsed.help { return parsed }
        let fixed = self.arguments.filter { !$0.repeating }
        let repeating = self.arguments.contains { $0.repeating }
        if parsed.positionals.count < fixed.filter(\.required).count {
            let missing = fixed[parsed.positionals.count]
            throw UsageError(message: "missing \(missing.name)", help: missing.help)
        }
        if !repeating, parsed.positionals.count > fixed.count {
            throw UsageError(message: "unexpected argument `\(parsed.positionals[fixed.count])`")
        }
        for name in required.sorted() where parsed.values[name] == nil {
            let option = options.first { $0.name == name }
            throw UsageError(message: "missing \(name)", help: option.map { "write \(name) \($0.value ?? "")" })
        }
        return parsed
    }
}

struct ParsedArguments {
    var positionals: [String] = []
    var values: [String: String] = [:]
    var flags: Set<String> = []
    var help = false

    func flag(_ name: String) -> Bool { flags.contains(name) }
}

/// A command line that does not fit its command.
struct UsageError: Error {
    var message: String
    var help: String? = nil
}
