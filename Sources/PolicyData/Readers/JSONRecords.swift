// JSON and JSON Lines files as tables of text cells.

/// Loads `.json` (an array of objects) and `.jsonl`/`.ndjson` (one object per line) files.
///
/// Columns are the union of keys in first-seen order. Nested objects are
/// flattened with dots (`{"address": {"city": "Paris"}}` → `address.city`);
/// an empty nested object contributes no column. Cells: a string is its value,
/// a number its literal text, `true`/`false` their words, `null` or a missing
/// key `nil`, and an array its compact JSON text. A record that names the same
/// column twice (a duplicate key, or `"a.b"` next to `"a": {"b": …}`) is a
/// ``RecordProblem`` of kind `duplicateKey`: neither value is taken over the other.
/// So is a record with a string that is not valid text (invalid UTF-8, a NUL byte,
/// `\u0000`, half a surrogate pair): kind `flawedText`, naming the first such place.
public enum JSONRecords: Sendable {
    /// Reads a `.json` file whose top level must be an array of objects.
    ///
    /// An element that is not an object becomes a ``RecordProblem``
    /// (`element 3 is a number, not an object`, elements counted from 1).
    /// - Throws: ``JSONError`` for any syntax error, or when the top level is not an array.
    public static func fromArray(bytes: [UInt8]) throws(JSONError) -> RawTable {
        let result: Result<RawTable, JSONError> = bytes.withUnsafeBufferPointer { p in
            do throws(JSONSyntaxError) {
                return .success(try readArray(p))
            } catch {
                return .failure(error.located(in: p))
            }
        }
        return try result.get()
    }

    /// Reads a `.jsonl`/`.ndjson` file: one JSON object per non-blank line.
    ///
    /// Lines end with LF, CRLF or a lone CR; lines holding only spaces and tabs are
    /// skipped. A line that does not parse, or is not an object, becomes a
    /// ``RecordProblem`` with its line (and column for a syntax error); the rest still load.
    public static func fromLines(bytes: [UInt8]) -> RawTable {
        bytes.withUnsafeBufferPointer { p in
            var builder = RawTableBuilder()
            var i = ReaderByte.byteOrderMarkLength(p)
            var line = 1
            while i < p.count {
                let lineStart = i
                while i < p.count && p[i] != ReaderByte.lineFeed && p[i] != ReaderByte.carriageReturn { i += 1 }
                let lineEnd = i
                if i < p.count {
                    i += (p[i] == ReaderByte.carriageReturn && i + 1 < p.count && p[i + 1] == ReaderByte.lineFeed) ? 2 : 1
                }
                defer { line += 1 }
                var core = JSONCore(p, from: lineStart, to: lineEnd)
                core.notesFlaws = true
                core.skipWhitespace()
                if core.position == lineEnd { continue }
                let start = core.position
                do throws(JSONSyntaxError) {
                    let value = try core.parseDocument()
                    let noted = core.takeFlaw()
                    if case .object(let members) = value {
                        add(members, noted, line: line, offset: start, p, to: &builder)
                    } else {
                        builder.problems.append(RecordProblem(line: line, message: "the line holds \(value.kindDescription), not an object",
                                                              range: start..<lineEnd))
                    }
                } catch {
                    let located = error.located(in: p, origin: lineStart, originLine: line)
                    let at = min(error.offset, lineEnd)
                    builder.problems.append(RecordProblem(line: located.line, column: located.column, message: located.message,
                                                          range: at..<(at + 1)))
                }
            }
            return builder.finish()
        }
    }

    /// Adds an object read whole at `offset`: a record, or the problem it is.
    private static func add(_ members: [JSONMember], _ noted: NotedFlaw?, line: Int, offset: Int,
                            _ p: UnsafeBufferPointer<UInt8>, to builder: inout RawTableBuilder) {
        if let noted {
            builder.problems.append(problem(noted, line: line, recordStart: offset))
            return
        }
        let problems = builder.problems.count
        builder.add(members, line: line, offset: offset)
        // A column given two values: the place is the key that gave it the second one.
        if builder.problems.count > problems, case .duplicateKey(let name) = builder.problems[problems].kind,
           let second = JSONLocator.members(named: name, inObjectAt: offset, of: p).dropFirst().first {
            builder.problems[problems].range = second.key
        }
    }

    /// The problem of a record holding text that is not valid.
    static func problem(_ noted: NotedFlaw, line: Int, recordStart: Int) -> RecordProblem {
        let column = noted.column ?? ""
        let what = noted.inKey ? "the key `\(column)`" : "`\(column)`"
        let message = noted.flaw.isNul ? "\(what) holds \(noted.flaw.detail)" : "\(what) is not valid UTF-8 text: \(noted.flaw.detail)"
        // The string with its quotes.
        let string = (noted.string.lowerBound - 1)..<(noted.string.upperBound + 1)
        return RecordProblem(line: line, message: message,
                             kind: .flawedText(noted.flaw, column: column, value: noted.text, inKey: noted.inKey),
                             range: string, recordStart: recordStart)
    }

    private static func readArray(_ p: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) -> RawTable {
        var core = JSONCore(p, from: ReaderByte.byteOrderMarkLength(p), to: p.count)
        core.notesFlaws = true
        core.skipWhitespace()
        guard core.position < p.count, p[core.position] == UInt8(ascii: "[") else {
            // Syntax errors in a non-array text are reported first; then the shape.
            let start = core.position
            let value = try core.parseDocument()
            throw JSONSyntaxError(offset: start, message: "the top level must be an array of objects, not \(value.kindDescription)")
        }
        var builder = RawTableBuilder()
        var lines = JSONLineCounter(offset: 0, line: 1)
        core.position += 1
        core.skipWhitespace()
        if core.position < p.count && p[core.position] == UInt8(ascii: "]") {
            core.position += 1
        } else {
            var element = 0
            while true {
                core.skipWhitespace()
                element += 1
                let line = lines.line(at: core.position, in: p)
                let start = core.position
                // The top-level array is depth 1, so an element's own containers start at depth 2.
                let value = try core.parseValue(depth: 1)
                let noted = core.takeFlaw()
                if case .object(let members) = value {
                    add(members, noted, line: line, offset: start, p, to: &builder)
                } else {
                    builder.problems.append(RecordProblem(line: line, message: "element \(element) is \(value.kindDescription), not an object",
                                                          range: start..<core.position))
                }
                core.skipWhitespace()
                guard core.position < p.count else {
                    throw core.error("unexpected end of input: expected `,` or `]` after an array element")
                }
                let c = p[core.position]
                core.position += 1
                if c == UInt8(ascii: "]") { break }
                guard c == ReaderByte.comma else {
                    throw core.error("expected `,` or `]` after an array element", at: core.position - 1)
                }
                core.skipWhitespace()
                if core.position < p.count && p[core.position] == UInt8(ascii: "]") {
                    throw core.error("trailing comma before `]`")
                }
            }
        }
        core.skipWhitespace()
        if core.position < p.count { throw core.error("unexpected text after the json value") }
        return builder.finish()
    }
}
