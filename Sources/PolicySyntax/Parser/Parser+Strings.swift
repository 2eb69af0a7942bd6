extension Parser {
    /// Splits a string token into literal text and `{expr}` parts, decoding escapes
    /// (`\"` `\\` `\n` `\t` `\u{4E2D}`) and `{{` `}}`. Interpolated code is lexed and
    /// parsed in place, so its diagnostics point into the string.
    mutating func decodeString(_ token: Token) -> [StringPart] {
        let bytes = file.bytes
        var parts: [StringPart] = []
        var buffer: [UInt8] = []
        var i = token.start + 1
        let end = token.end - 1
        func flush() {
            if !buffer.isEmpty {
                parts.append(.text(String(decoding: buffer, as: UTF8.self)))
                buffer.removeAll()
            }
        }
        while i < end {
            let c = bytes[i]
            switch c {
            case UInt8(ascii: "\\"):
                let (decoded, length) = decodeEscape(at: i, end: end)
                buffer.append(contentsOf: decoded)
                i += length
            case UInt8(ascii: "{"):
                if i + 1 < end, bytes[i + 1] == UInt8(ascii: "{") {
                    buffer.append(c)
                    i += 2
                    continue
                }
                let close = matchingBrace(from: i + 1, end: end)
                flush()
                parts.append(.expression(readInterpolation(i + 1..<close)))
                i = close + 1
            case UInt8(ascii: "}"):
                if i + 1 < end, bytes[i + 1] == UInt8(ascii: "}") {
                    i += 2
                } else {
                    diagnostics.error(.badInterpolation, "a lone `}` in a string", at: SourceSpan(file: file, start: i, end: i + 1),
                                      help: "write `}}` for a literal brace")
                    i += 1
                }
                buffer.append(UInt8(ascii: "}"))
            default:
                buffer.append(c)
                i += 1
            }
        }
        flush()
        return parts
    }

    /// Finds the `}` closing an interpolation that starts at `start`, skipping nested
    /// strings and braces (the lexer has already checked that it exists).
    private func matchingBrace(from start: Int, end: Int) -> Int {
        let bytes = file.bytes
        var braces = 1
        var inString = false
        var i = start
        while i < end {
            let c = bytes[i]
            if inString {
                if c == UInt8(ascii: "\\") { i += 1 } else if c == UInt8(ascii: "\"") { inString = false }
            } else if c == UInt8(ascii: "\"") {
                inString = true
            } else if c == UInt8(ascii: "{") {
                braces += 1
            } else if c == UInt8(ascii: "}") {
                braces -= 1
                if braces == 0 { return i }
            }
            i += 1
        }
        return end
    }

    private mutating func readInterpolation(_ range: Range<Int>) -> Expression {
        let whole = SourceSpan(file: file, start: range.lowerBound - 1, end: range.upperBound + 1)
        var sub = Parser(file: file, range: range)
        diagnostics.append(contentsOf: sub.diagnostics)
        sub.diagnostics = DiagnosticBag()
        sub.depth = depth
        if sub.current.kind == .end {
            diagnostics.error(.badInterpolation, "empty `{}` in a string", at: whole,
                              help: "put a name inside, as in {name}, or write `{{}}` for literal braces")
            return Expression(.error, whole)
        }
        let expression: Expression
        do {
            expression = try sub.parseExpression()
            if sub.current.kind != .end {
                throw sub.fail("unexpected \(sub.describe(sub.current)) in `{...}`", code: .badInterpolation)
            }
        } catch {
            diagnostics.append(contentsOf: sub.diagnostics)
            return Expression(.error, whole)
        }
        diagnostics.append(contentsOf: sub.diagnostics)
        return expression
    }

    /// Decodes one escape at `i` (which holds the backslash): the bytes it stands
    /// for and how many source bytes it took.
    private mutating func decodeEscape(at i: Int, end: Int) -> ([UInt8], Int) {
        let bytes = file.bytes
        guard i + 1 < end else {
            diagnostics.error(.invalidEscape, "a string cannot end with a lone `\\`", at: SourceSpan(file: file, start: i, end: i + 1),
                              help: "write `\\\\` for a backslash")
            return ([], 1)
        }
        switch bytes[i + 1] {
        case UInt8(ascii: "\""): return ([UInt8(ascii: "\"")], 2)
        case UInt8(ascii: "\\"): return ([UInt8(ascii: "\\")], 2)
        case UInt8(ascii: "n"): return ([UInt8(ascii: "\n")], 2)
        case UInt8(ascii: "t"): return ([UInt8(ascii: "\t")], 2)
        case UInt8(ascii: "{"): return ([UInt8(ascii: "{")], 2)
        case UInt8(ascii: "}"): return ([UInt8(ascii: "}")], 2)
        case UInt8(ascii: "u"):
            var j = i + 2
            var value: UInt32 = 0
            var digits = 0
            if j < end, bytes[j] == UInt8(ascii: "{") {
                j += 1
                while j < end, digits <= 8, let d = hexValue(bytes[j]) {
                    value = value &* 16 &+ UInt32(d)
                    digits += 1
                    j += 1
                }
                if j < end, bytes[j] == UInt8(ascii: "}"), (1...6).contains(digits), let scalar = Unicode.Scalar(value) {
                    // NUL ends text in C programs and spreadsheets: no output may carry one.
                    guard value != 0 else {
                        diagnostics.error(.invalidEscape, "a string cannot hold the NUL character `\\u{0}`",
                                          at: SourceSpan(file: file, start: i, end: j + 1),
                                          help: "leave it out; no message or value can carry it")
                        return ([], j + 1 - i)
                    }
                    return (Array(String(Character(scalar)).utf8), j + 1 - i)
                }
            }
            let stop = min(max(j + 1, i + 2), end)
            diagnostics.error(.invalidEscape, "malformed unicode escape `\(file.text(i..<stop))`",
                              at: SourceSpan(file: file, start: i, end: stop),
                              help: "write a code point in hex inside braces, as in \\u{4E2D}")
            return ([], stop - i)
        default:
            let length = max(1, Lexer.scalarLength(bytes, at: i + 1, limit: end))
            diagnostics.error(.invalidEscape, "unknown escape `\(file.text(i..<(i + 1 + length)))`",
                              at: SourceSpan(file: file, start: i, end: i + 1 + length),
                              help: "the escapes are \\\" \\\\ \\n \\t and \\u{...}")
            return ([], 1 + length)
        }
    }

    private func hexValue(_ c: UInt8) -> Int? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(c - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(c - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(c - UInt8(ascii: "A")) + 10
        default: nil
        }
    }
}

extension Parser {
    /// A parser over part of a file (the code inside `{...}` of a string).
    init(file: SourceFile, range: Range<Int>) {
        self.file = file
        var lexer = Lexer(file: file, range: range)
        self.tokens = lexer.tokenize()
        self.diagnostics = lexer.diagnostics
        self.comments = lexer.comments
    }
}
