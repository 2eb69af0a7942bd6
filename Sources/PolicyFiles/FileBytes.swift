/// The bytes of an input file, read in place: mapped (a regular file: no copy, and the
/// pages of a stretch once read can be let go, see `release`) or held in memory (a
/// stream, or text converted from another encoding).
public struct FileBytes: @unchecked Sendable {
    // INVARIANT: immutable; `mapped` is only read, and lives as long as any copy.
    private let array: [UInt8]
    private let mapped: MappedFile?

    public init(_ array: [UInt8]) {
        self.array = array
        mapped = nil
    }

    public init(mapped: MappedFile) {
        array = []
        self.mapped = mapped
    }

    public var count: Int { mapped?.bytes.count ?? array.count }
    public var isEmpty: Bool { count == 0 }

    @inline(__always)
    public func withUnsafeBufferPointer<R, E: Error>(_ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R) throws(E) -> R {
        if let mapped { return try body(mapped.bytes) }
        return try array.withUnsafeBufferPointer { (p) throws(E) -> R in try body(p) }
    }

    public subscript(i: Int) -> UInt8 {
        mapped?.bytes[i] ?? array[i]
    }

    /// The bytes as an array (a copy when mapped).
    public var asArray: [UInt8] { mapped.map { Array($0.bytes) } ?? array }

    /// Brings the pages of `range` in at once, before they are read (a mapped file).
    public func prefetch(_ range: Range<Int>) {
        mapped?.prefetch(range)
    }

    /// Lets go of the pages of `range` once read (a mapped file; read again, they come back).
    public func release(_ range: Range<Int>) {
        mapped?.release(range)
    }
}
