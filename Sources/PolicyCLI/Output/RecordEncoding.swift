import PolicyRuntime

/// Action records as CSV bytes, for `policy run` in chunks on every core.
struct CSVRecordEncoder: RecordEncoder {
    func field(_ index: Int, _ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        if index > 0 { out.append(UInt8(ascii: ",")) }
        CSVRecordWriter.appendCell(bytes, into: &out)
    }

    func endRecord(into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\n"))
    }
}

/// Action records as JSON Lines: one object per record, empty fields left out.
struct JSONLinesRecordEncoder: RecordEncoder {
    /// `"customer_id":` and the other keys, quoted once.
    static let keys: [[UInt8]] = ActionRecord.columns.map { Array((JSONRecordWriter.quote($0) + ":").utf8) }

    /// The customer id opens the object (it is never empty: keys are required); every
    /// other field is left out when empty, or follows a comma.
    func field(_ index: Int, _ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        if index == 0 {
            out.append(UInt8(ascii: "{"))
        } else {
            guard !bytes.isEmpty else { return }
            out.append(UInt8(ascii: ","))
        }
        out.append(contentsOf: Self.keys[index])
        JSONRecordWriter.appendQuoted(bytes, into: &out)
    }

    func endRecord(into out: inout [UInt8]) {
        out.append(UInt8(ascii: "}"))
        out.append(UInt8(ascii: "\n"))
    }
}
