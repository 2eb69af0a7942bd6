/// Writes output records — the columns of `ActionRecord.columns`, in order — as
/// bytes in one format, a field at a time, so that records need not be built as
/// strings first. Every output format of `policy run` is one. Called from worker
/// threads, so it keeps no state of its own.
///
/// A field's bytes must depend on its index and text only, not on the fields
/// before it: fields that never change are encoded once (`RecordTemplates`).
public protocol RecordEncoder: Sendable {
    /// Appends field `index` (0 is `customer_id`, 7 is `message`) of the record being written.
    func field(_ index: Int, _ bytes: UnsafeBufferPointer<UInt8>, into out: inout OutputBytes)
    /// Ends the record: every one of its fields has been appended.
    func endRecord(into out: inout OutputBytes)
}

extension RecordEncoder {
    @inline(__always)
    func field(_ index: Int, _ text: String, into out: inout OutputBytes) {
        var text = text
        text.withUTF8 { field(index, $0, into: &out) }
    }

    /// A whole record, from its text fields.
    public func encode(_ fields: [String], into out: inout OutputBytes) {
        for (i, text) in fields.enumerated() { field(i, text, into: &out) }
        endRecord(into: &out)
    }
}
