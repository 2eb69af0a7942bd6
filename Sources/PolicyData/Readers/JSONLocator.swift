// Finding a column's key and value in the text of one JSON record, for a message.

/// Where the members of a JSON record are: read again from the record's text only
/// when a message needs a place, so that loading keeps no offset per cell.
enum JSONLocator {
    /// One member whose flattened name was asked for: the byte ranges of its key
    /// (quotes included) and of its value.
    struct Found: Equatable {
        var key: Range<Int>
        var value: Range<Int>
    }

    /// The members of the object starting at `start` (after any whitespace) whose
    /// flattened name (keys joined with dots through nested objects, as the readers
    /// name columns) is `name`, in file order. Reading stops at the first syntax error,
    /// with what was found before it.
    static func members(named name: String, inObjectAt start: Int, of p: UnsafeBufferPointer<UInt8>) -> [Found] {
        var core = JSONCore(p, from: max(0, min(start, p.count)), to: p.count)
        core.notesFlaws = true
        var found: [Found] = []
        var prefixes: [String] = []
        core.skipWhitespace()
        guard core.position < p.count, p[core.position] == UInt8(ascii: "{") else { return [] }
        core.position += 1
        // At the start of an object's members, or after a member's value.
        var atStart = true
        while true {
            core.skipWhitespace()
            guard core.position < p.count else { return found }
            let b = p[core.position]
            if b == UInt8(ascii: "}") {
                core.position += 1
                if prefixes.isEmpty { return found }
                prefixes.removeLast()
                atStart = false
                continue
            }
            if !atStart {
                guard b == ReaderByte.comma else { return found }
                core.position += 1
                core.skipWhitespace()
            }
            guard core.position < p.count, p[core.position] == ReaderByte.quote else { return found }
            let keyStart = core.position
            guard let key = try? core.parseString() else { return found }
            let keyEnd = core.position
            core.skipWhitespace()
            guard core.position < p.count, p[core.position] == UInt8(ascii: ":") else { return found }
            core.position += 1
            core.skipWhitespace()
            let full = prefixes.last.map { $0 + "." + key } ?? key
            if core.position < p.count, p[core.position] == UInt8(ascii: "{"), name.hasPrefix(full + ".") {
                // The name goes on inside this object.
                prefixes.append(full)
                core.position += 1
                atStart = true
                continue
            }
            let valueStart = core.position
            guard (try? core.parseValue(depth: prefixes.count + 1)) != nil else { return found }
            if full == name { found.append(Found(key: keyStart..<keyEnd, value: valueStart..<core.position)) }
            atStart = false
        }
    }

    /// The value at `range` as a cell's text (a string its text, a number as written,
    /// `true`/`false`); nil for `null`, an object, or a value that does not read or
    /// holds text that is not valid.
    static func text(of range: Range<Int>, in p: UnsafeBufferPointer<UInt8>) -> String? {
        var core = JSONCore(p, from: max(0, min(range.lowerBound, p.count)), to: max(0, min(range.upperBound, p.count)))
        core.notesFlaws = true
        guard let value = try? core.parseValue(depth: 0), core.takeFlaw() == nil else { return nil }
        switch value {
        case .string(let s): return s
        case .number(let literal): return literal
        case .bool(let b): return b ? "true" : "false"
        case .array: return value.compactJSON
        case .null, .object: return nil
        }
    }
}
