import Glibc
import Dispatch

/// Where bytes go: a file descriptor (standard output or error, an output file) or
/// memory, in tests. Buffered: callers write many small pieces; the sink hands the
/// system large blocks.
///
/// Writing never stops the caller: the first failure is kept, later writes are
/// dropped, and `finish()` throws it. So the record writers stay simple and a full
/// disk still ends the command with one clear error.
public final class ByteSink: @unchecked Sendable {
    // INVARIANT: a sink is used by one thread at a time (the command that owns it).
    private var buffer: [UInt8] = []
    private let descriptor: Int32?
    /// The name in messages: a path, or `standard output`.
    public let name: String
    /// Everything written, for a memory sink.
    public private(set) var captured: [UInt8] = []
    /// The first write that failed; nothing is written after it.
    public private(set) var failure: FileError?
    /// The failure of a sink that cannot be written, waiting for its first write.
    private var pending: FileError?
    /// Seconds spent handing blocks to the system (the "write" stage of a run).
    public private(set) var writeSeconds: Double = 0
    static let blockSize = 1 << 20
    /// The system could not copy into this sink's file (see `write(bytes:sameAs:at:)`).
    private var copyingUnsupported = false

    /// A sink writing to an open file descriptor, which it does not close.
    public init(descriptor: Int32, name: String) {
        self.descriptor = descriptor
        self.name = name
        buffer.reserveCapacity(Self.blockSize)
    }

    /// A sink keeping what is written in memory.
    public init() {
        self.descriptor = nil
        self.name = "memory"
    }

    /// A sink that cannot be written: the first write fails with `error`
    /// (standard output closed before the process started).
    public init(failing error: FileError) {
        self.descriptor = -1
        self.name = error.path
        self.pending = error
    }

    /// Gives up: nothing more is written, and `finish()` throws `error` (an output
    /// file is then left as it was).
    public func abandon(_ error: FileError) {
        if failure == nil { failure = error }
    }

    /// Appends text as UTF-8.
    public func write(_ text: String) {
        var text = text
        text.withUTF8 { write(bytes: $0) }
    }

    /// Appends raw bytes (no copy into a String on the way); a large block (64 KB or
    /// more: a chunk of a run's output, a stretch of a file copied) goes straight out,
    /// without being copied into the buffer first.
    public func write(bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count >= Self.blockSize / 16 else {
            buffer.append(contentsOf: bytes)
            if buffer.count >= Self.blockSize { flush() }
            return
        }
        flush()
        hand(UnsafeRawBufferPointer(bytes))
    }

    /// Appends `bytes`, which are `file`'s from `offset` on: copied from file to file
    /// inside the system when it can (a large file copied as it is read), written
    /// otherwise (a memory sink, a stream, a file system that cannot).
    public func write(bytes: UnsafeBufferPointer<UInt8>, sameAs file: InputFile, at offset: Int) {
        guard let descriptor, !copyingUnsupported, file.size != nil, bytes.count >= Self.blockSize / 16 else {
            write(bytes: bytes)
            return
        }
        flush()
        guard failure == nil else { return }
        if let pending {
            failure = pending
            return
        }
        let started = DispatchTime.now().uptimeNanoseconds
        switch KernelCopy.copy(from: file.descriptor, at: offset, count: bytes.count, to: descriptor) {
        case .copied: break
        case .unsupported:
            copyingUnsupported = true
            write(bytes: bytes)
        case .failed(let code):
            failure = FileError(path: name, action: .write, errno: code)
        }
        writeSeconds += Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    }

    /// Appends raw bytes, as `write(bytes:)`.
    public func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { write(bytes: $0) }
    }

    /// Hands what is buffered to the system, or to `captured` in memory.
    public func flush() {
        guard !buffer.isEmpty else { return }
        hand(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, then throws the first failure, if any.
    public func finish() throws(FileError) {
        flush()
        if let failure { throw failure }
    }

    private func hand(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { hand($0) }
    }

    private func hand(_ raw: UnsafeRawBufferPointer) {
        guard let descriptor else {
            captured.append(contentsOf: raw)
            return
        }
        guard failure == nil else { return }
        if let pending {
            failure = pending
            return
        }
        let started = DispatchTime.now().uptimeNanoseconds
        if let code = ByteSink.writeAll(descriptor, raw) {
            failure = FileError(path: name, action: .write, errno: code)
        }
        writeSeconds += Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    }

    /// Writes every byte, through short writes, interruptions and a descriptor set
    /// non-blocking by whoever opened it; the `errno` of a failure, or nil.
    static func writeAll(_ descriptor: Int32, _ raw: UnsafeRawBufferPointer) -> Int32? {
        guard var at = raw.baseAddress else { return nil }
        var left = raw.count
        while left > 0 {
            let n = Glibc.write(descriptor, at, left)
            if n > 0 {
                at += n
                left -= n
                continue
            }
            let code = n == 0 ? EIO : errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK {
                var ready = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                _ = poll(&ready, 1, -1)
                continue
            }
            return code
        }
        return nil
    }

    /// What a memory sink holds, as text.
    public var text: String {
        flush()
        return String(decoding: captured, as: UTF8.self)
    }
}

