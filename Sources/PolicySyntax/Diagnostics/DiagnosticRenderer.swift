/// Renders diagnostics the way a good compiler does:
///
///     Rules/retail.policy:12:8: error: unknown name `totl_spend` [E0201]
///        12 |   Gold when totl_spend >= 5000
///           |             ^^^^^^^^^^
///           = help: did you mean `total_spend`?
public struct DiagnosticRenderer: Sendable {
    /// Whether to colour the output (only on a terminal, never with `NO_COLOR`).
    public var colour: Bool

    public init(colour: Bool = false) {
        self.colour = colour
    }

    /// Renders several diagnostics, one after the other.
    public func render(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map(render).joined()
    }

    /// Renders one diagnostic: location line, source line, carets, help.
    public func render(_ d: Diagnostic) -> String {
        let file = d.span.file
        let (line, column) = file.location(of: d.span.start)
        let label = d.severity == .error ? paint("error", "1;31") : paint("warning", "1;33")
        var out = "\(file.path):\(line):\(column): \(label): \(d.message) [\(d.code.rawValue)]\n"
        let source = file.lineText(line)
        let number = String(line)
        let gutter = String(repeating: " ", count: number.count)
        out += " \(number) | \(source)\n"
        out += " \(gutter) | \(caretLine(source: source, startColumn: column, span: d.span, line: line))\n"
        if let help = d.help {
            out += " \(gutter) = \(paint("help", "1;36")): \(help)\n"
        }
        return out
    }

    /// Spaces up to the span, then carets under it. Tabs are copied so the caret lines
    /// up in any terminal, and wide (CJK) characters take two cells.
    private func caretLine(source: String, startColumn: Int, span: SourceSpan, line: Int) -> String {
        let scalars = Array(source.unicodeScalars)
        var pad = ""
        for s in scalars.prefix(startColumn - 1) {
            pad += s == "\t" ? "\t" : String(repeating: " ", count: Self.width(s))
        }
        // The span may run past this line; underline only what is on it.
        let (endLine, endColumn) = span.file.location(of: span.end)
        let lastColumn = endLine == line ? endColumn : scalars.count + 1
        var carets = 0
        var index = startColumn - 1
        while index < lastColumn - 1, index < scalars.count {
            carets += Self.width(scalars[index])
            index += 1
        }
        return pad + paint(String(repeating: "^", count: max(1, carets)), "1;31")
    }

    /// Terminal cells taken by a scalar: 2 for East Asian wide characters, else 1.
    public static func width(_ s: Unicode.Scalar) -> Int {
        switch s.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF,
             0x4E00...0x9FFF, 0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF,
             0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }

    private func paint(_ text: String, _ sgr: String) -> String {
        colour ? "\u{1B}[\(sgr)m\(text)\u{1B}[0m" : text
    }
}
