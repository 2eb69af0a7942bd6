/// Output being encoded: a growable run of bytes appended to without what an array
/// does on every append (a uniqueness check, a generic copy). Held by one worker at
/// a time; `bytes()` hands the result over as an array.
public struct OutputBytes: ~Copyable {
    @usableFromInline var base: UnsafeMutablePointer<UInt8>
    @usableFromInline var count: Int
    @usableFromInline var capacity: Int

    public init(capacity: Int = 256) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
        count = 0
    }

    deinit {
        base.deallocate()
    }

    public var isEmpty: Bool { count == 0 }

    @inlinable @inline(__always)
    public mutating func append(_ byte: UInt8) {
        if count == capacity { grow(1) }
        base[count] = byte
        count += 1
    }

    @inlinable @inline(__always)
    public mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        let n = bytes.count
        guard n > 0, let source = bytes.baseAddress else { return }
        if count + n > capacity { grow(n) }
        (base + count).update(from: source, count: n)
        count += n
    }

    @inlinable
    public mutating func append(_ other: borrowing OutputBytes) {
        append(UnsafeBufferPointer(start: other.base, count: other.count))
    }

    @inlinable
    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    /// Forgets what was written, keeping the room.
    public mutating func removeAll() { count = 0 }

    /// Room for `n` more bytes at least, the capacity at least doubled.
    @usableFromInline
    mutating func grow(_ n: Int) {
        let wanted = max(capacity * 2, count + n)
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: wanted)
        bigger.update(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity = wanted
    }

    /// The bytes written.
    public func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: base, count: count))
    }

    /// The bytes written, as an array.
    public func bytes() -> [UInt8] {
        withBytes { Array($0) }
    }
}
