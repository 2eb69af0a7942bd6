import Glibc
import Dispatch

/// A file named on the command line, or standard input, opened for reading.
///
/// Reading is bounded: `readAll(limit:)` refuses a file or a stream that holds more
/// than the caller can keep in memory, instead of reading until memory runs out, and
/// `peek` lets the caller look at the first block before committing to the rest (an
/// endless stream of zeros is refused at once).
public final class InputFile {
    /// The name in messages: the path as given, or `standard input`.
    public let name: String
    /// The size of a regular file; nil for a stream (pipe, terminal, device).
    public let size: Int?
    let descriptor: Int32
    private let owned: Bool
    /// Bytes a stream gave up to `peek`, which `readAll` starts with.
    private var head: [UInt8] = []
    /// Where `read(into:)` goes on reading a regular file.
    private var position = 0
    /// Where each block is read into before it is kept.
    private let block = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)

    /// The file's size and times when it was opened (see `changedSinceOpened`).
    private let opened: [Int]

    private init(name: String, descriptor: Int32, owned: Bool) throws(FileError) {
        self.name = name
        self.descriptor = descriptor
        self.owned = owned
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            size = nil
            opened = []
            throw FileError(path: name, action: .read, errno: errno)
        }
        opened = Self.signature(info)
        let type = info.st_mode & S_IFMT
        size = type == S_IFREG ? Int(info.st_size) : nil
        if type == S_IFDIR {
            throw FileError(path: name, action: .read, kind: .folder, reason: "it is a folder, not a file")
        }
    }

    deinit {
        if owned { close(descriptor) }
        block.deallocate()
    }

    /// Whether a regular file was written to since it was opened (its size or its
    /// modification or change time moved): what was read of it may not be what it holds.
    public func changedSinceOpened() -> Bool {
        guard size != nil else { return false }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return true }
        return Self.signature(info) != opened
    }

    /// Tells the system the file's pages it keeps in memory will not be read again (a
    /// file about to be replaced): they go now, not when the replacement is renamed over it.
    public func forgetCachedPages() {
        guard size != nil else { return }
        _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_DONTNEED)
    }

    private static func signature(_ info: stat) -> [Int] {
        [Int(info.st_size), info.st_mtim.tv_sec, info.st_mtim.tv_nsec, info.st_ctim.tv_sec, info.st_ctim.tv_nsec]
    }

    /// Opens `path` for reading.
    public static func open(_ path: String) throws(FileError) -> InputFile {
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileError(path: path, action: .read, errno: errno) }
        return try InputFile(name: path, descriptor: descriptor, owned: true)
    }

    /// The process's standard input (`-` on the command line).
    public static func standardInput() throws(FileError) -> InputFile {
        let name = "standard input"
        if StandardStreams.closedAtStart.contains(0) {
            throw FileError(path: name, action: .read, kind: .system(EBADF), reason: "it is closed",
                            help: "pipe the file in (`... | policy ...`) or name it instead of `-`")
        }
        return try InputFile(name: name, descriptor: 0, owned: false)
    }

    /// Up to `count` bytes from the start (fewer when the input is shorter).
    public func peek(_ count: Int) throws(FileError) -> [UInt8] {
        if size != nil {
            var bytes: [UInt8] = []
            while bytes.count < count {
                let n = try readFully(at: bytes.count, count: count - bytes.count)
                if n == 0 { break }
                bytes.append(contentsOf: block[0..<n])
            }
            return bytes
        }
        while head.count < count {
            let n = try readSome()
            if n == 0 { break }
            head.append(contentsOf: block[0..<n])
        }
        return Array(head.prefix(count))
    }

    /// Every byte, or `tooLarge` when there are more than `limit`: a regular file is
    /// refused before a byte is read, a stream once it passes the limit.
    public func readAll(limit: Int, tooLarge: (Int) -> FileError) throws(FileError) -> [UInt8] {
        if let size {
            guard size <= limit else { throw tooLarge(size) }
            return try readRegular(size: size, limit: limit, tooLarge: tooLarge)
        }
        var bytes = head
        head = []
        while true {
            let n = try readSome()
            if n == 0 { return bytes }
            guard bytes.count + n <= limit else { throw tooLarge(bytes.count + n) }
            bytes.append(contentsOf: block[0..<n])
        }
    }

    /// Hands every block to `body` in order, keeping none (a file too large to hold,
    /// read to count something).
    public func forEachBlock(_ body: (UnsafeRawBufferPointer) -> Void) throws(FileError) {
        while true {
            let n = try read(into: block)
            if n == 0 { return }
            body(UnsafeRawBufferPointer(rebasing: block[0..<n]))
        }
    }

    /// Reads on from where the last read stopped, into `buffer`: as much as fills it
    /// from a regular file, what a stream has ready (at least a byte) from a stream;
    /// 0 at the end.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(FileError) -> Int {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return 0 }
        if !head.isEmpty {
            let n = min(head.count, buffer.count)
            head.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            head.removeFirst(n)
            return n
        }
        guard size != nil else { return try readSome(into: buffer) }
        var done = 0
        while done < buffer.count {
            let n = pread(descriptor, base + done, buffer.count - done, off_t(position))
            if n < 0, errno == EINTR { continue }
            if n < 0 { throw FileError(path: name, action: .read, errno: errno) }
            if n == 0 { break }
            done += n
            position += n
        }
        return done
    }

    /// A regular file straight into one byte array (going through `Data` held the file
    /// twice), not zero-filled first; a large file in four parts on several threads
    /// (the copies and page faults are the cost). Then whatever it grew by meanwhile.
    private func readRegular(size: Int, limit: Int, tooLarge: (Int) -> FileError) throws(FileError) -> [UInt8] {
        let parts = size >= 32 << 20 ? 4 : 1
        let descriptor = self.descriptor
        var failure: Int32 = 0
        var bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            nonisolated(unsafe) let base = buffer.baseAddress
            nonisolated(unsafe) let ends = UnsafeMutableBufferPointer<Int>.allocate(capacity: parts)
            nonisolated(unsafe) let codes = UnsafeMutableBufferPointer<Int32>.allocate(capacity: parts)
            defer { ends.deallocate(); codes.deallocate() }
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                var at = size * part / parts
                let end = size * (part + 1) / parts
                codes[part] = 0
                while at < end {
                    let n = pread(descriptor, base! + at, end - at, off_t(at))
                    if n < 0, errno == EINTR { continue }
                    if n < 0 { codes[part] = errno }
                    if n <= 0 { break }
                    at += n
                }
                ends[part] = at
            }
            // Only what was read without a gap counts (a file that shrank meanwhile).
            count = 0
            for part in 0..<parts {
                if codes[part] != 0 { failure = codes[part] }
                count = ends[part]
                if ends[part] < size * (part + 1) / parts { break }
            }
        }
        if failure != 0 { throw FileError(path: name, action: .read, errno: failure) }
        while true {
            let n = try readFully(at: bytes.count, count: block.count)
            if n == 0 { return bytes }
            guard bytes.count + n <= limit else { throw tooLarge(bytes.count + n) }
            bytes.append(contentsOf: block[0..<n])
        }
    }

    /// Fills `block` with up to `count` bytes from `offset`, as far as the file goes;
    /// the bytes read.
    private func readFully(at offset: Int, count: Int) throws(FileError) -> Int {
        let wanted = min(count, block.count)
        var done = 0
        while done < wanted {
            let n = pread(descriptor, block.baseAddress! + done, wanted - done, off_t(offset + done))
            if n < 0, errno == EINTR { continue }
            if n < 0 { throw FileError(path: name, action: .read, errno: errno) }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// One read from a stream into `block`; 0 at its end.
    private func readSome() throws(FileError) -> Int {
        try readSome(into: block)
    }

    /// One read from a stream into `buffer`; 0 at its end.
    private func readSome(into buffer: UnsafeMutableRawBufferPointer) throws(FileError) -> Int {
        while true {
            let n = Glibc.read(descriptor, buffer.baseAddress!, buffer.count)
            if n >= 0 { return n }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK {
                var ready = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                _ = poll(&ready, 1, -1)
                continue
            }
            throw FileError(path: name, action: .read, errno: code)
        }
    }
}

extension InputFile {
    /// Adopts an open descriptor (a test's stand-in for standard input); closed with the file.
    public static func adopting(_ descriptor: Int32, name: String) throws(FileError) -> InputFile {
        try InputFile(name: name, descriptor: descriptor, owned: true)
    }

    /// The first block, which `readText` and the customer readers look at before
    /// reading on: `/dev/zero` or a binary file is refused after one block.
    public static let firstBlockSize = 1 << 16

    /// A text file whole, up to `limit` bytes: refused at once when its first block
    /// holds NUL bytes, which no text file has, and when one comes later.
    public func readText(limit: Int) throws(FileError) -> [UInt8] {
        if try peek(InputFile.firstBlockSize).contains(0) {
            throw FileError(path: name, action: .read, kind: .notText, reason: "it is not text: it holds NUL bytes")
        }
        let bytes = try readAll(limit: limit) { size in
            FileError(path: name, action: .read, kind: .tooLarge,
                      reason: "it holds more than \(MemoryBudget.describe(limit)), more than a file of this kind ever needs")
        }
        if let offset = bytes.firstIndex(of: 0) {
            throw FileError(path: name, action: .read, kind: .notText,
                            reason: "it is not text: it holds a NUL byte at offset \(offset)")
        }
        return bytes
    }
}
