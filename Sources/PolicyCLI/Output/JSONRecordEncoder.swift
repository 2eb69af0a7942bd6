import PolicyRuntime

/// Records as JSON objects with the CSV column names as keys and empty fields left
/// out: one per line (JSON Lines), or the elements of one array.
struct JSONRecordEncoder: RecordEncoder {
    /// Each record opens with `,\n` (the array's first loses the comma: `RecordOutput`)
    /// instead of ending with a line break.
    let inArray: Bool

    /// `"customer_id":` and the other keys, quoted once.
    static let keys: [[UInt8]] = ActionRecord.columns.map { name in
        var out = OutputBytes()
        var name = name
        name.withUTF8 { appendQuoted($0, into: &out) }
        out.append(UInt8(ascii: ":"))
        return out.bytes()
    }

    /// The customer id opens the object (it is never empty: keys are required); every
    /// other field is left out when empty, or follows a comma.
    func field(_ index: Int, _ bytes: UnsafeBufferPointer<UInt8>, into out: inout OutputBytes) {
        if index == 0 {
            if inArray { out.append([UInt8(ascii: ","), 0x0A]) }
            out.append(UInt8(ascii: "{"))
        } else {
            guard !bytes.isEmpty else { return }
            out.append(UInt8(ascii: ","))
        }
        out.append(Self.keys[index])
        Self.appendQuoted(bytes, into: &out)
    }

    func endRecord(into out: inout OutputBytes) {
        out.append(UInt8(ascii: "}"))
        if !inArray { out.append(0x0A) }
    }

    /// Appends a JSON string: quotes, backslashes and control characters escaped,
    /// everything else (UTF-8 included) as it is.
    static func appendQuoted(_ text: UnsafeBufferPointer<UInt8>, into out: inout OutputBytes) {
        out.append(UInt8(ascii: "\""))
        for b in text {
            switch b {
            case UInt8(ascii: "\""): out.append([UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append([UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: out.append([UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append([UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append([UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(Array("\\u00".utf8))
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0xF)])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
