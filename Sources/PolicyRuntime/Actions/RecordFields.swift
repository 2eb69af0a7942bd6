/// One output record as bytes: its eight fields (`ActionRecord.columns`), for the
/// encoders of the formats written in chunks. Reused from record to record, so
/// writing a record allocates nothing once its buffers have grown.
public struct RecordFields {
    @usableFromInline var bytes: [UInt8] = []
    /// Where each field ends in `bytes`.
    @usableFromInline var ends: [Int] = []

    public init() {
        bytes.reserveCapacity(256)
        ends.reserveCapacity(ActionRecord.columns.count)
    }

    /// A record's fields as `ActionRecord.fields` gives them.
    public init(_ record: ActionRecord) {
        self.init()
        set(record)
    }

    /// Calls `body` with each field's index and bytes, in column order.
    @inlinable
    public func forEachField(_ body: (Int, UnsafeBufferPointer<UInt8>) -> Void) {
        bytes.withUnsafeBufferPointer { all in
            var start = 0
            for (i, end) in ends.enumerated() {
                body(i, UnsafeBufferPointer(rebasing: all[start..<end]))
                start = end
            }
        }
    }

    mutating func set(_ record: ActionRecord) {
        removeAll()
        for field in record.fields { append(field); endField() }
    }

    @inline(__always) mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
    }

    @inline(__always) mutating func append(_ text: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: text)
    }

    @inline(__always) mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    @inline(__always) mutating func endField() {
        ends.append(bytes.count)
    }

    /// Ends `count` empty fields.
    @inline(__always) mutating func emptyFields(_ count: Int) {
        for _ in 0..<count { ends.append(bytes.count) }
    }
}
