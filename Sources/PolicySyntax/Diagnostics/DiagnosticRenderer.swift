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
    ///
    /// A diagnostic about part of a line of data shows that part, with `…` where the
    /// line goes on; one with only a place shows no source line, and one with no place
    /// (`SourceFile.nowhere`) no location either.
    public func render(_ d: Diagnostic) -> String {
        let file = d.span.file
        let label = d.severity == .error ? paint("error", "1;31") : paint("warning", "1;33")
        let headline = "\(label): \(d.message) [\(d.code.rawValue)]\n"
        guard file.role != .nowhere else { return headline + helpLine(d.help, indent: " ") }
        let (line, column) = file.location(of: d.span.start)
        var out = "\(file.path):\(line):\(column): " + headline
        guard let range = file.lineRange(line) else { return out + helpLine(d.help, indent: " ") }
        var (cutBefore, cutAfter) = (false, false)
        if case .excerpt(_, _, let before, let after) = file.role { (cutBefore, cutAfter) = (before, after) }
        let number = String(line)
        let gutter = String(repeating: " ", count: number.count)
        out += " \(number) | \(cutBefore ? "…" : "")\(file.displayText(range))\(cutAfter ? "…" : "")\n"
        out += " \(gutter) | \(cutBefore ? " " : "")\(caretLine(file, range, d.span))\n"
        return out + helpLine(d.help, indent: " \(gutter)")
    }

    /// The first line of a diagnostic without its severity, uncoloured, to quote it in
    /// another message: `customers.csv:3:7: `orders` is `x`, expected a whole number [E0502]`.
    public func headline(_ d: Diagnostic) -> String {
        let file = d.span.file
        let text = "\(d.message) [\(d.code.rawValue)]"
        guard file.role != .nowhere else { return text }
        let (line, column) = file.location(of: d.span.start)
        return "\(file.path):\(line):\(column): \(text)"
    }

    private func helpLine(_ help: String?, indent: String) -> String {
        help.map { "\(indent) = \(paint("help", "1;36")): \($0)\n" } ?? ""
    }

    /// Spaces up to the span, then carets under it. Tabs are copied so the caret lines
    /// up in any terminal, and wide (CJK) characters take two cells. Both are measured on
    /// the bytes of the line as shown, so the carets stay under the span whatever it holds.
    private func caretLine(_ file: SourceFile, _ line: Range<Int>, _ span: SourceSpan) -> String {
        // The span may run past this line; underline only what is on it.
        let start = max(line.lowerBound, min(span.start, line.upperBound))
        let end = max(start, min(span.end, line.upperBound))
        var pad = ""
        for s in file.displayText(line.lowerBound..<start).unicodeScalars {
            pad += s == "\t" ? "\t" : String(repeating: " ", count: Self.width(s))
        }
        let carets = file.displayText(start..<end).unicodeScalars.reduce(0) { $0 + Self.width($1) }
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
