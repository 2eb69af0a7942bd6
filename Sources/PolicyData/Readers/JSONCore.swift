// The byte-level JSON parsing loop, shared by the whole-text parser and the record readers.

/// The byte-level parser over `p[position..<limit]`.
///
/// Nesting is handled with explicit stacks instead of recursion so that depth
/// costs heap, not stack.
struct JSONCore {
    let p: UnsafeBufferPointer<UInt8>
    var position: Int
    let limit: Int
    /// When set, text inside strings that is not valid (invalid UTF-8, a NUL byte, the
    /// escape `\u0000`, half a surrogate pair) is noted in `flaw` and read on, so that
    /// the record holding it can be rejected on its own; otherwise invalid UTF-8 and
    /// NUL bytes are syntax errors, as RFC 8259 has them.
    var notesFlaws = false
    /// The first flaw noted since the last ``takeFlaw()``, with where it is.
    private(set) var flaw: NotedFlaw?

    // INVARIANT: 0 <= position <= limit <= p.count.
    init(_ p: UnsafeBufferPointer<UInt8>, from start: Int, to limit: Int) {
        self.p = p
        self.position = start
        self.limit = limit
    }

    private static let openBracket: UInt8 = 0x5B, closeBracket: UInt8 = 0x5D
    private static let openBrace: UInt8 = 0x7B, closeBrace: UInt8 = 0x7D
    private static let colon: UInt8 = 0x3A, minus: UInt8 = 0x2D, plus: UInt8 = 0x2B
    private static let dot: UInt8 = 0x2E, zero: UInt8 = 0x30, nine: UInt8 = 0x39

    /// A whole text: one value surrounded only by whitespace.
    mutating func parseDocument() throws(JSONSyntaxError) -> JSONValue {
        let value = try parseValue(depth: 0)
        skipWhitespace()
        if position < limit { throw error("unexpected text after the json value") }
        return value
    }

    mutating func skipWhitespace() {
        while position < limit {
            let b = p[position]
            guard b == ReaderByte.space || b == ReaderByte.lineFeed || b == ReaderByte.carriageReturn || b == ReaderByte.tab else { return }
            position += 1
        }
    }

    func error(_ message: String, at offset: Int? = nil) -> JSONSyntaxError {
        JSONSyntaxError(offset: offset ?? position, message: message)
    }

    private enum FrameKind { case array, object }
    private struct Frame {
        var kind: FrameKind
        var valueStart: Int
        var keyStart: Int
    }

    /// Parses one value, already inside `depth` containers.
    mutating func parseValue(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        var frames: [Frame] = []
        var values: [JSONValue] = []
        var keys: [String] = []

        expectValue: while true {
            skipWhitespace()
            guard position < limit else { throw error("unexpected end of input: expected a value") }
            var value: JSONValue
            let b = p[position]
            if b == Self.openBracket || b == Self.openBrace {
                if depth + frames.count + 1 > JSONParser.maxDepth {
                    throw error("nesting is deeper than \(JSONParser.maxDepth) levels")
                }
                let isArray = b == Self.openBracket
                position += 1
                skipWhitespace()
                if position < limit && p[position] == (isArray ? Self.closeBracket : Self.closeBrace) {
                    position += 1
                    value = isArray ? .array([]) : .object([])
                } else if isArray {
                    frames.append(Frame(kind: .array, valueStart: values.count, keyStart: keys.count))
                    continue expectValue
                } else {
                    frames.append(Frame(kind: .object, valueStart: values.count, keyStart: keys.count))
                    keys.append(try parseKey(afterComma: false))
                    if flaw?.column == nil, flaw != nil { locateFlaw(frames, keys, inKey: true) }
                    continue expectValue
                }
            } else {
                value = try parseScalar()
                if flaw?.column == nil, flaw != nil { locateFlaw(frames, keys, inKey: false) }
            }

            // A value is complete: attach it to the innermost open container, closing containers as they end.
            while let frame = frames.last {
                values.append(value)
                skipWhitespace()
                let isArray = frame.kind == .array
                guard position < limit else {
                    throw error(isArray ? "unexpected end of input: expected `,` or `]` after an array element"
                                        : "unexpected end of input: expected `,` or `}` after an object member")
                }
                let c = p[position]
                if c == ReaderByte.comma {
                    position += 1
                    if isArray {
                        skipWhitespace()
                        if position < limit && p[position] == Self.closeBracket { throw error("trailing comma before `]`") }
                    } else {
                        keys.append(try parseKey(afterComma: true))
                        if flaw?.column == nil, flaw != nil { locateFlaw(frames, keys, inKey: true) }
                    }
                    continue expectValue
                }
                if isArray && c == Self.closeBracket {
                    position += 1
                    value = .array(Array(values[frame.valueStart...]))
                } else if !isArray && c == Self.closeBrace {
                    position += 1
                    var members: [JSONMember] = []
                    members.reserveCapacity(values.count - frame.valueStart)
                    for (key, member) in zip(keys[frame.keyStart...], values[frame.valueStart...]) {
                        members.append(JSONMember(key, member))
                    }
                    keys.removeSubrange(frame.keyStart...)
                    value = .object(members)
                } else {
                    throw error(isArray ? "expected `,` or `]` after an array element" : "expected `,` or `}` after an object member")
                }
                values.removeSubrange(frame.valueStart...)
                frames.removeLast()
            }
            return value
        }
    }

    /// Names the column of a flaw just noted in a string: the keys of the open objects
    /// (up to the first array, whose text is one cell), the last one being the
    /// string itself when it is a key.
    private mutating func locateFlaw(_ frames: [Frame], _ keys: [String], inKey: Bool) {
        guard var noted = flaw else { return }
        var parts: [String] = []
        var inArray = false
        for (i, frame) in frames.enumerated() {
            if frame.kind == .array { inArray = true; break }
            let keyEnd = i + 1 < frames.count ? frames[i + 1].keyStart : keys.count
            if keyEnd > frame.keyStart { parts.append(keys[keyEnd - 1]) }
        }
        noted.inKey = inKey && !inArray
        if noted.inKey, !parts.isEmpty { parts[parts.count - 1] = noted.text }
        noted.column = parts.joined(separator: ".")
        flaw = noted
    }

    /// The flaw noted since the last call, if any, and forgets it.
    mutating func takeFlaw() -> NotedFlaw? {
        defer { flaw = nil }
        return flaw
    }

    /// Notes a flaw at `offset` of the string opened at `open`, unless one is noted already.
    private mutating func note(_ kind: TextFlaw.Kind, at offset: Int, stringAt open: Int) {
        guard flaw == nil else { return }
        flaw = NotedFlaw(flaw: TextFlaw(kind: kind, offset: offset), string: open..<open)
    }

    /// Records, once the string holding the flaw has closed at `close`, its text as written.
    private mutating func finishNote(stringAt open: Int, closingAt close: Int) {
        guard var noted = flaw, noted.string == open..<open else { return }
        noted.string = (open + 1)..<close
        noted.text = TextScan.escaped(UnsafeBufferPointer(rebasing: p[(open + 1)..<close]))
        flaw = noted
    }

    /// A key and its colon; `position` is just after `{` or after a `,` in an object.
    private mutating func parseKey(afterComma: Bool) throws(JSONSyntaxError) -> String {
        skipWhitespace()
        guard position < limit else { throw error("unexpected end of input: expected a string key") }
        let b = p[position]
        if b != ReaderByte.quote {
            if afterComma && b == Self.closeBrace { throw error("trailing comma before `}`") }
            throw error("expected a string key in an object, found \(describe(at: position))")
        }
        let key = try parseString()
        skipWhitespace()
        guard position < limit else { throw error("unexpected end of input: expected `:` after an object key") }
        guard p[position] == Self.colon else { throw error("expected `:` after an object key") }
        position += 1
        return key
    }

    private mutating func parseScalar() throws(JSONSyntaxError) -> JSONValue {
        let b = p[position]
        switch b {
        case ReaderByte.quote:
            return .string(try parseString())
        case Self.minus, Self.zero...Self.nine:
            return .number(try parseNumber())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "N"), UInt8(ascii: "I"):
            throw error("nan and infinity are not valid json numbers")
        default:
            throw error("unexpected \(describe(at: position)): expected a value")
        }
    }

    private mutating func expectLiteral(_ word: StaticString) throws(JSONSyntaxError) {
        let start = position
        let text = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for expected in text {
            guard position < limit, p[position] == expected else {
                throw error("invalid literal: expected `\(word)`", at: start)
            }
            position += 1
        }
    }

    @inline(__always)
    private func isDigit(_ offset: Int) -> Bool {
        offset < limit && p[offset] >= Self.zero && p[offset] <= Self.nine
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, returned as its exact text.
    private mutating func parseNumber() throws(JSONSyntaxError) -> String {
        let start = position
        if p[position] == Self.minus {
            position += 1
            if position < limit && (p[position] == UInt8(ascii: "I") || p[position] == UInt8(ascii: "N")) {
                throw error("nan and infinity are not valid json numbers", at: start)
            }
            guard isDigit(position) else { throw error("expected a digit after `-`") }
        }
        if p[position] == Self.zero {
            position += 1
            if isDigit(position) { throw error("a number cannot have leading zeros", at: position - 1) }
        } else {
            while isDigit(position) { position += 1 }
        }
        if position < limit && p[position] == Self.dot {
            position += 1
            guard isDigit(position) else { throw error("expected a digit after the decimal point") }
            while isDigit(position) { position += 1 }
        }
        if position < limit && (p[position] == UInt8(ascii: "e") || p[position] == UInt8(ascii: "E")) {
            position += 1
            if position < limit && (p[position] == Self.plus || p[position] == Self.minus) { position += 1 }
            guard isDigit(position) else { throw error("expected a digit in the exponent") }
            while isDigit(position) { position += 1 }
        }
        return String(decoding: UnsafeBufferPointer(rebasing: p[start..<position]), as: UTF8.self)
    }

    /// A string; `position` is at its opening quote and ends after the closing one.
    mutating func parseString() throws(JSONSyntaxError) -> String {
        let open = position
        position += 1
        let start = position
        // Fast path: no escapes, the content is a slice of the input.
        while position < limit {
            let b = p[position]
            if b == ReaderByte.quote {
                let text = try validated(UnsafeBufferPointer(rebasing: p[start..<position]), stringAt: open, from: start)
                finishNote(stringAt: open, closingAt: position)
                position += 1
                return text
            }
            if b == ReaderByte.backslash { break }
            if b < 0x20 {
                guard b == 0, notesFlaws else { throw controlCharacter(b) }
                note(.nulByte, at: position, stringAt: open)
            }
            position += 1
        }
        guard position < limit else { throw error("unexpected end of input inside a string") }

        var out: [UInt8] = Array(UnsafeBufferPointer(rebasing: p[start..<position]))
        while position < limit {
            let b = p[position]
            if b == ReaderByte.quote {
                // Escapes write valid UTF-8 only, so a flaw in `out` is one of the input's bytes.
                let text = try out.withUnsafeBufferPointer { buffer throws(JSONSyntaxError) in
                    try validated(buffer, stringAt: open, from: nil)
                }
                if notesFlaws, flaw == nil, !TextScan.isText(UnsafeBufferPointer(rebasing: p[start..<position])) {
                    noteFirstFlaw(in: start..<position, stringAt: open)
                }
                finishNote(stringAt: open, closingAt: position)
                position += 1
                return text
            }
            if b < 0x20 {
                guard b == 0, notesFlaws else { throw controlCharacter(b) }
                note(.nulByte, at: position, stringAt: open)
            }
            if b != ReaderByte.backslash {
                out.append(b)
                position += 1
                continue
            }
            guard position + 1 < limit else { throw error("unexpected end of input inside a string", at: limit) }
            let escape = p[position + 1]
            switch escape {
            case ReaderByte.quote, ReaderByte.backslash, UInt8(ascii: "/"): out.append(escape)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(ReaderByte.lineFeed)
            case UInt8(ascii: "r"): out.append(ReaderByte.carriageReturn)
            case UInt8(ascii: "t"): out.append(ReaderByte.tab)
            case UInt8(ascii: "u"):
                try appendUnicodeEscape(to: &out, stringAt: open)
                continue
            default:
                throw error("invalid escape \\\(describeEscape(at: position + 1)) in a string")
            }
            position += 2
        }
        throw error("unexpected end of input inside a string")
    }

    /// `\uXXXX`, pairing surrogates; a lone surrogate becomes U+FFFD. When noting flaws,
    /// `\u0000` and a lone surrogate are noted.
    private mutating func appendUnicodeEscape(to out: inout [UInt8], stringAt open: Int) throws(JSONSyntaxError) {
        let first = try hex4(at: position + 2)
        let escape = position
        if first == 0, notesFlaws { note(.escapedNul, at: escape, stringAt: open) }
        position += 6
        var scalar = first
        if (0xD800...0xDBFF).contains(first) {
            // A high surrogate takes the following `\uDC00`–`\uDFFF` if there is one;
            // otherwise it stands alone and the next escape is read on its own.
            if position + 1 < limit, p[position] == ReaderByte.backslash, p[position + 1] == UInt8(ascii: "u"),
               let second = try? hex4(at: position + 2), (0xDC00...0xDFFF).contains(second) {
                scalar = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                position += 6
            } else {
                scalar = 0xFFFD
                if notesFlaws { note(.loneSurrogate(first), at: escape, stringAt: open) }
            }
        } else if (0xDC00...0xDFFF).contains(first) {
            scalar = 0xFFFD
            if notesFlaws { note(.loneSurrogate(first), at: escape, stringAt: open) }
        }
        TextEncoding.appendUTF8(scalar, to: &out)
    }

    private func hex4(at offset: Int) throws(JSONSyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for k in 0..<4 {
            guard offset + k < limit else { throw error("invalid \\u escape: expected 4 hex digits", at: offset - 2) }
            let h = p[offset + k]
            let digit: UInt8
            switch h {
            case 0x30...0x39: digit = h - 0x30
            case 0x41...0x46: digit = h - 0x41 + 10
            case 0x61...0x66: digit = h - 0x61 + 10
            default: throw error("invalid \\u escape: expected 4 hex digits", at: offset - 2)
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// The bytes as a string, refusing invalid UTF-8 (noting it instead, when noting
    /// flaws: `from` is where `bytes` start in the input, nil when they are a copy).
    ///
    /// `String(validating:as:)` went through unspecialized generic code (a third of
    /// the parse time), so decode with repair and check that nothing was repaired:
    /// ASCII never needs repair, and otherwise any repair changes the bytes.
    private mutating func validated(_ bytes: UnsafeBufferPointer<UInt8>, stringAt open: Int, from: Int?) throws(JSONSyntaxError) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        var high: UInt8 = 0
        for b in bytes { high |= b }
        if high >= 0x80 && !text.utf8.elementsEqual(bytes) {
            guard notesFlaws else { throw error("invalid utf-8 in a string", at: open) }
            if let from { noteFirstFlaw(in: from..<(from + bytes.count), stringAt: open) }
        }
        return text
    }

    /// Notes the first byte of `range` that is not text.
    private mutating func noteFirstFlaw(in range: Range<Int>, stringAt open: Int) {
        var counts = TextCounts()
        var flaws: [Int] = []
        TextScan.scan(p, range, counts: &counts, flaws: &flaws, maxFlaws: 1)
        if let offset = flaws.first { note(TextFlaw.at(offset, in: p).kind, at: offset, stringAt: open) }
    }

    private func controlCharacter(_ b: UInt8) -> JSONSyntaxError {
        error("unescaped control character \(Self.hexName(UInt32(b))) in a string")
    }

    private static func hexName(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    private func describeEscape(at offset: Int) -> String {
        let b = p[offset]
        if b >= 0x21 && b < 0x7F { return String(UnicodeScalar(b)) }
        return "followed by " + describe(at: offset)
    }

    /// The character at `offset` for a message: `` `x` `` if printable, otherwise `U+XXXX`.
    func describe(at offset: Int) -> String {
        guard offset < limit else { return "end of input" }
        let lead = p[offset]
        let length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        let end = min(limit, offset + length)
        if lead >= 0x80, !TextScan.sequence(p, at: offset, end: limit).valid {
            return TextFlaw.byteName(lead)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: p[offset..<end]), as: UTF8.self)
        guard let scalar = text.unicodeScalars.first else { return "end of input" }
        if scalar.value < 0x20 || scalar.value == 0x7F || scalar.properties.generalCategory == .format || scalar.value == 0xFFFD {
            return Self.hexName(scalar.value)
        }
        return "`\(String(scalar))`"
    }
}

/// A flaw noted in a JSON string: what and where, the string's text as written (bytes
/// that are not text shown `\xHH`), and the column it belongs to once known.
struct NotedFlaw: Equatable {
    var flaw: TextFlaw
    /// The string's content in the input (between its quotes).
    var string: Range<Int>
    var text = ""
    /// The flattened column (`address.city`); for a key, with the key as written.
    var column: String?
    var inKey = false
}
