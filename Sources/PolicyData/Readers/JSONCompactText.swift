// Compact JSON text of a value, used for array cells.

extension JSONValue {
    /// The value as compact JSON (no whitespace), keys in order, numbers as written.
    ///
    /// Strings escape only `"`, `\` and control characters; other text is kept as UTF-8.
    /// Built with an explicit work stack so that deep values cannot overflow the stack.
    public var compactJSON: String {
        enum Work {
            case value(JSONValue)
            case key(String)
            case byte(UInt8)
        }
        var out: [UInt8] = []
        var work: [Work] = [.value(self)]
        while let item = work.popLast() {
            switch item {
            case .byte(let b):
                out.append(b)
            case .key(let key):
                JSONValue.appendQuoted(key, to: &out)
                out.append(UInt8(ascii: ":"))
            case .value(let value):
                switch value {
                case .null: out.append(contentsOf: "null".utf8)
                case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
                case .number(let text): out.append(contentsOf: text.utf8)
                case .string(let s): JSONValue.appendQuoted(s, to: &out)
                case .array(let elements):
                    // Pushed in reverse: the stack pops them in order.
                    out.append(UInt8(ascii: "["))
                    work.append(.byte(UInt8(ascii: "]")))
                    for (index, element) in elements.enumerated().reversed() {
                        work.append(.value(element))
                        if index > 0 { work.append(.byte(UInt8(ascii: ","))) }
                    }
                case .object(let members):
                    out.append(UInt8(ascii: "{"))
                    work.append(.byte(UInt8(ascii: "}")))
                    for (index, member) in members.enumerated().reversed() {
                        work.append(.value(member.value))
                        work.append(.key(member.key))
                        if index > 0 { work.append(.byte(UInt8(ascii: ","))) }
                    }
                }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func appendQuoted(_ s: String, to out: inout [UInt8]) {
        out.append(ReaderByte.quote)
        for b in s.utf8 {
            switch b {
            case ReaderByte.quote: out.append(contentsOf: [ReaderByte.backslash, ReaderByte.quote])
            case ReaderByte.backslash: out.append(contentsOf: [ReaderByte.backslash, ReaderByte.backslash])
            case ReaderByte.lineFeed: out.append(contentsOf: [ReaderByte.backslash, UInt8(ascii: "n")])
            case ReaderByte.carriageReturn: out.append(contentsOf: [ReaderByte.backslash, UInt8(ascii: "r")])
            case ReaderByte.tab: out.append(contentsOf: [ReaderByte.backslash, UInt8(ascii: "t")])
            case 0x08: out.append(contentsOf: [ReaderByte.backslash, UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [ReaderByte.backslash, UInt8(ascii: "f")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [ReaderByte.backslash, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]])
            default: out.append(b)
            }
        }
        out.append(ReaderByte.quote)
    }
}
