import PolicySyntax

/// A warning that is meant, said so where it is meant: `# policy: allow W0104` on its
/// own line silences the warnings of those codes on the next line that holds code
/// (comment lines between them are skipped). The codes are followed, optionally, by
/// the reason in words: `# policy: allow W0102, W0104 because every contact is kept`.
///
/// An allow stands on a line of its own: `policy fmt` keeps such a comment before the
/// same code, while a comment at the end of a line may move to another line when the
/// formatter breaks a declaration over several (a one-line rule's goes to its `then`).
///
/// An allow is checked like the rest of the policy: a code that silences nothing
/// where the comment stands, or a code that is no warning's, is itself a warning
/// (W0106), so a stale allow does not outlive the warning it was written for. W0106
/// is reported only in the file being checked: in a `use`d file, a warning its allow
/// was written for may only appear when that file is checked on its own.
struct AllowComments {
    /// One code of one allow comment, and the line it applies to.
    struct Allow {
        var code: DiagnosticCode
        /// The code as written in the comment, where W0106 points.
        var span: SourceSpan
        /// The line (1-based) whose warnings it silences; nil when no code follows.
        var line: Int?
    }

    private(set) var allows: [Allow] = []
    /// W0106 for comments that cannot silence anything as written.
    private(set) var problems = DiagnosticBag(capacity: .max)

    /// What `# policy:` starts: a comment addressed to `policy`, not to a reader.
    static let marker = Array("policy:".utf8)

    /// Reads the allow comments of every file of `program`; `mainFile` is the checked one.
    init(_ program: LoadedPolicy, mainFile: SourceFile?) {
        for file in program.files {
            let reported = file.source === mainFile
            // Found once per file, only for a file that has directives: a file of many
            // allows in a row must not make each one look through all the others.
            var codeLines: CodeLines? = nil
            for comment in file.comments where Self.isDirective(comment) {
                if codeLines == nil { codeLines = CodeLines(file.source) }
                read(comment, reported: reported, codeLines: codeLines!)
            }
        }
    }

    /// Per line of a file, the first line from it on that holds code: not blank, not
    /// only a comment (a `#` first on a line always starts a comment, since a string
    /// ends on its line).
    struct CodeLines {
        /// `next[i]`: the first line `>= i + 1` (1-based) holding code; nil past the last.
        private var next: [Int?]

        init(_ file: SourceFile) {
            let count = file.lineStarts.count
            next = Array(repeating: nil, count: count + 1)
            for index in stride(from: count - 1, through: 0, by: -1) {
                var text = Substring(file.lineText(index + 1)).utf8
                // A byte order mark is not code.
                if index == 0, text.starts(with: [0xEF, 0xBB, 0xBF]) { text = text.dropFirst(3) }
                let first = text.first { !AllowComments.isBlank($0) }
                if let first, first != UInt8(ascii: "#") {
                    next[index] = index + 1
                } else {
                    next[index] = next[index + 1]
                }
            }
        }

        /// The first line after `line` (1-based) that holds code.
        func after(_ line: Int) -> Int? {
            line < next.count ? next[line] : nil
        }
    }

    /// Whether a comment starts with `policy:`.
    static func isDirective(_ comment: SourceSpan) -> Bool {
        let bytes = comment.file.bytes
        var position = comment.start + 1
        while position < comment.end, isBlank(bytes[position]) { position += 1 }
        return bytes[position..<comment.end].starts(with: marker)
    }

    /// The warnings left once the allows have silenced theirs, capped as any bag, and
    /// W0106 for every allow that silenced nothing; and how many were silenced.
    /// `warnings` holds every warning (an uncapped bag): an allow of a warning past the
    /// cap would otherwise be taken for one that silences nothing.
    func apply(to warnings: DiagnosticBag, mainFile: SourceFile?) -> (warnings: DiagnosticBag, allowed: Int) {
        // Allows by file and line, to find a warning's in one look.
        var byPlace: [Place: [Int]] = [:]
        for (index, allow) in allows.enumerated() {
            guard let line = allow.line else { continue }
            byPlace[Place(file: ObjectIdentifier(allow.span.file), line: line), default: []].append(index)
        }
        var used = Array(repeating: false, count: allows.count)
        var kept = DiagnosticBag()
        var allowed = 0
        for warning in warnings.items {
            let line = warning.span.file.location(of: warning.span.start).line
            let matching = (byPlace[Place(file: ObjectIdentifier(warning.span.file), line: line)] ?? [])
                .filter { allows[$0].code == warning.code }
            guard !matching.isEmpty else {
                kept.add(warning)
                continue
            }
            for index in matching { used[index] = true }
            allowed += 1
        }
        for problem in problems.items { kept.add(problem) }
        for (index, allow) in allows.enumerated() where !used[index] && allow.span.file === mainFile {
            let place = allow.line.map { "on line \($0)" } ?? "below it"
            kept.warning(.uselessAllow, "the allow of `\(allow.code.rawValue)` silences nothing: there is no \(allow.code.rawValue) warning \(place)",
                         at: allow.span,
                         help: "remove it, or move it to the line just before the code the warning points at")
        }
        return (kept, allowed)
    }

    private struct Place: Hashable {
        var file: ObjectIdentifier
        var line: Int
    }

    /// Reads one comment: nothing unless it starts with `policy:`.
    private mutating func read(_ comment: SourceSpan, reported: Bool, codeLines: CodeLines) {
        let bytes = comment.file.bytes
        var position = comment.start + 1 // past `#`
        let end = comment.end
        skipBlanks(bytes, &position, end)
        guard bytes[position..<end].starts(with: Self.marker) else { return }
        position += Self.marker.count
        skipBlanks(bytes, &position, end)
        let directive = word(bytes, &position, end)
        let directiveSpan = SourceSpan(file: comment.file, start: directive.lowerBound, end: directive.upperBound)
        guard directiveSpan.text == "allow" else {
            if reported {
                problems.warning(.uselessAllow, directive.isEmpty ? "`# policy:` is not followed by `allow`"
                                                                   : "`\(directiveSpan.text)` is not something `# policy:` understands",
                                 at: directive.isEmpty ? comment : directiveSpan,
                                 help: "write `# policy: allow W0103` (a warning's code) on the line before the code it concerns")
            }
            return
        }
        guard let line = targetLine(of: comment, codeLines) else {
            if reported {
                problems.warning(.uselessAllow, "an allow must stand on a line of its own, before the code it concerns", at: comment,
                                 help: "move it to the line just above; at the end of a line, formatting may move it away from its code")
            }
            return
        }
        var codes = 0
        while true {
            skipBlanks(bytes, &position, end, commas: true)
            let start = position
            let text = word(bytes, &position, end)
            let span = SourceSpan(file: comment.file, start: text.lowerBound, end: text.upperBound)
            // The codes end at the first word that is not one: the reason starts there.
            guard Self.looksLikeCode(bytes[text]) else { position = start; break }
            codes += 1
            let written = span.text.uppercased()
            switch DiagnosticCode(rawValue: written) {
            case let code? where code.rawValue.hasPrefix("W") && code != .uselessAllow:
                allows.append(Allow(code: code, span: span, line: line))
            case .uselessAllow?:
                if reported {
                    problems.warning(.uselessAllow, "`W0106` cannot be allowed", at: span,
                                     help: "remove the allow comment it points at instead")
                }
            case let code?:
                if reported {
                    problems.warning(.uselessAllow, "`\(code.rawValue)` is an error, and errors cannot be allowed", at: span,
                                     help: "fix the error; only warnings (W01xx) can be allowed")
                }
            case nil:
                if reported {
                    let warnings = DiagnosticCode.allCases.filter { $0.rawValue.hasPrefix("W") && $0 != .uselessAllow }.map(\.rawValue)
                    let guess = Suggest.closest(to: written, among: warnings)
                    problems.warning(.uselessAllow, "no warning has the code `\(span.text)`", at: span,
                                     help: guess.map { "did you mean `\($0)`?" } ?? "the warnings are \(warnings.joined(separator: ", "))")
                }
            }
        }
        if codes == 0, reported {
            problems.warning(.uselessAllow, "this allow names no warning", at: comment,
                             help: "name the warning's code, as in `# policy: allow W0103`")
        }
    }

    /// `W0103`: a letter and four digits (case aside).
    private static func looksLikeCode(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard bytes.count == 5, let first = bytes.first else { return false }
        let letter = (first | 0x20) >= UInt8(ascii: "a") && (first | 0x20) <= UInt8(ascii: "z")
        return letter && bytes.dropFirst().allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// The line an allow comment applies to: the next line that holds code, past
    /// comment lines and blank lines (`.some(nil)` when none does); nil when the
    /// comment ends a line of code rather than standing on its own.
    private func targetLine(of comment: SourceSpan, _ codeLines: CodeLines) -> Int?? {
        let file = comment.file
        let line = file.location(of: comment.start).line
        var start = file.lineStarts[line - 1]
        // A byte order mark is not code.
        if start == 0, file.bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        if file.bytes[start..<comment.start].contains(where: { !Self.isBlank($0) }) { return nil }
        return .some(codeLines.after(line))
    }

    static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }

    private func skipBlanks(_ bytes: [UInt8], _ position: inout Int, _ end: Int, commas: Bool = false) {
        while position < end, Self.isBlank(bytes[position]) || (commas && bytes[position] == UInt8(ascii: ",")) {
            position += 1
        }
    }

    /// The bytes from `position` up to the next blank or comma.
    private func word(_ bytes: [UInt8], _ position: inout Int, _ end: Int) -> Range<Int> {
        let start = position
        while position < end, !Self.isBlank(bytes[position]), bytes[position] != UInt8(ascii: ",") { position += 1 }
        return start..<position
    }
}
