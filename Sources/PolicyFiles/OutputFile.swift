import Glibc
import Dispatch

/// Writing a file named on the command line: whole or not at all.
///
/// - A regular file (new or existing) is written into a temporary file beside it,
///   flushed to the disk, then renamed over it: a reader, a crash, a full disk or a
///   kill at any moment leaves the old file or the new one, whole. The temporary file
///   is removed on any error and on SIGINT/SIGTERM/SIGHUP (see `TemporaryFiles`). An
///   existing file keeps its permissions (and, run as root, its owner).
/// - A symbolic link is written through: its target is replaced, the link stays.
/// - A special file (a device such as `/dev/null`, a FIFO, a socket) is written in
///   place, never replaced; `/dev/stdout`, `/dev/stderr` and `/dev/fd/N` write to the
///   process's own descriptor.
public enum OutputFile {
    /// Where the bytes of an output end up.
    enum Target: Equatable {
        /// A regular file, replaced by rename; `mode`, `owner` of the file it replaces.
        case replace(path: String, existing: Existing?)
        /// A special file, opened and written as it is.
        case inPlace(path: String)
        /// A descriptor the process already has.
        case descriptor(Int32)
    }

    struct Existing: Equatable {
        var mode: mode_t
        var user: uid_t
        var group: gid_t
    }

    /// Writes `path` with what `body` puts into the sink.
    public static func write(_ path: String, _ body: (ByteSink) -> Void) throws(FileError) {
        let output = try begin(path)
        body(output.sink)
        try output.commit()
    }

    /// Starts writing `path`: what goes into the returned output's sink is the file
    /// once `commit()` returns; until then (and if it never does) the file is as it was.
    public static func begin(_ path: String) throws(FileError) -> Pending {
        switch try target(path) {
        case .descriptor(let descriptor):
            if StandardStreams.closedAtStart.contains(descriptor) {
                throw FileError(path: path, action: .write, kind: .system(EBADF), reason: "it is closed")
            }
            return Pending(sink: ByteSink(descriptor: descriptor, name: path), descriptor: descriptor, owned: false)
        case .inPlace(let special):
            let descriptor = open(special, O_WRONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw FileError(path: path, action: .write, errno: errno) }
            return Pending(sink: ByteSink(descriptor: descriptor, name: path), descriptor: descriptor, owned: true)
        case .replace(let file, let existing):
            let (folder, _) = Paths.split(file)
            TemporaryFiles.removeStale(in: folder)
            let temporary = TemporaryFiles.path(for: file)
            // A file of this name is a leftover of an earlier process with our id.
            unlink(temporary)
            // Registered before it exists: a signal at any moment after the file appears removes it.
            let slot = TemporaryFiles.register(temporary)
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else {
                let code = errno
                TemporaryFiles.release(slot)
                throw FileError(path: path, action: .write, errno: code)
            }
            let pending = Pending(sink: ByteSink(descriptor: descriptor, name: path), descriptor: descriptor, owned: true,
                                  replacing: (file: file, temporary: temporary, slot: slot))
            try keepPermissions(descriptor, existing, path: path)
            return pending
        }
    }

    /// An output being written (see `begin`).
    public final class Pending {
        /// Where the file's bytes go.
        public let sink: ByteSink
        private let descriptor: Int32
        private var owned: Bool
        /// A regular file: the one replaced, the temporary file written, its slot in `TemporaryFiles`.
        private var replacing: (file: String, temporary: String, slot: Int?)?
        /// The flush `startWriteback` started, waited for before the descriptor closes.
        private var writeback: Flush?

        init(sink: ByteSink, descriptor: Int32, owned: Bool, replacing: (file: String, temporary: String, slot: Int?)? = nil) {
            self.sink = sink
            self.descriptor = descriptor
            self.owned = owned
            self.replacing = replacing
        }

        /// Not committed: a temporary file is removed, the file left as it was.
        deinit {
            writeback?.join()
            if owned { close(descriptor) }
            if let replacing {
                unlink(replacing.temporary)
                TemporaryFiles.release(replacing.slot)
            }
        }

        /// Hands what is written so far to the disk, on a thread of its own, without
        /// waiting for it: the `commit` of a large file then waits for less. Once.
        public func startWriteback() {
            sink.flush()
            guard replacing != nil, writeback == nil else { return }
            writeback = Flush(descriptor)
        }

        /// Makes what was written the file: a regular file is flushed to the disk and
        /// renamed over the old one. On a failure, the file is left as it was.
        public func commit() throws(FileError) {
            let path = sink.name
            try sink.finish()
            writeback?.join()
            guard let replacing else {
                if owned {
                    owned = false
                    close(descriptor)
                }
                return
            }
            if fsync(descriptor) != 0, errno != EINVAL { throw FileError(path: path, action: .write, errno: errno) }
            owned = false
            if close(descriptor) != 0 { throw FileError(path: path, action: .write, errno: errno) }
            if rename(replacing.temporary, replacing.file) != 0 { throw FileError(path: path, action: .write, errno: errno) }
            self.replacing = nil
            TemporaryFiles.release(replacing.slot)
            OutputFile.syncFolder(Paths.split(replacing.file).folder)
        }
    }

    /// Whether `a` and `b` would write the same file (through links, or both naming
    /// the same new file). Special files never count: two outputs may go to `/dev/null`.
    public static func sameFile(_ a: String, _ b: String) -> Bool {
        guard case .replace(let x, _)? = try? target(a), case .replace(let y, _)? = try? target(b) else { return false }
        if x == y { return true }
        guard let i = FileIdentity(x), let j = FileIdentity(y) else { return false }
        return i == j
    }

    /// Whether writing `output` would overwrite the existing file `input` (the same
    /// file through any link). Special files do not count: `/dev/null` is no input.
    public static func overwrites(_ output: String, _ input: String) -> Bool {
        guard FileIdentity.isRegularFile(output), let o = FileIdentity(output), let i = FileIdentity(input) else { return false }
        return o == i
    }

    /// `fdatasync` on a thread of its own (not one of the pool's, which the run keeps busy).
    final class Flush {
        private var thread = pthread_t()
        private let descriptor: UnsafeMutablePointer<Int32>
        private var joined = false

        init(_ file: Int32) {
            descriptor = .allocate(capacity: 1)
            descriptor.initialize(to: file)
            let started = pthread_create(&thread, nil, { argument in
                _ = fdatasync(argument!.assumingMemoryBound(to: Int32.self).pointee)
                return nil
            }, descriptor)
            // No thread: the commit's own fsync does the work.
            joined = started != 0
        }

        func join() {
            guard !joined else { return }
            pthread_join(thread, nil)
            joined = true
        }

        deinit {
            join()
            descriptor.deallocate()
        }
    }

    /// The new file gets the old one's permissions and owner, or those a new file gets.
    static func keepPermissions(_ descriptor: Int32, _ existing: Existing?, path: String) throws(FileError) {
        guard let existing else {
            let mask = umask(0)
            umask(mask)
            if fchmod(descriptor, 0o666 & ~mask) != 0 { throw FileError(path: path, action: .write, errno: errno) }
            return
        }
        // Owner first: changing it may clear set-id bits that the mode then restores.
        if geteuid() == 0 { _ = fchown(descriptor, existing.user, existing.group) }
        if fchmod(descriptor, existing.mode & 0o7777) != 0 { throw FileError(path: path, action: .write, errno: errno) }
    }

    /// Makes the rename itself durable (best effort: not every file system can).
    static func syncFolder(_ folder: String) {
        let descriptor = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    /// Where writing `path` goes, or why it cannot.
    static func target(_ path: String) throws(FileError) -> Target {
        if let descriptor = processDescriptor(path) { return .descriptor(descriptor) }
        var info = stat()
        if stat(path, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                throw FileError(path: path, action: .write, kind: .folder, reason: "it is a folder, not a file")
            case S_IFREG:
                // Renaming over a file needs only the folder's permission: ask for the file's.
                guard access(path, W_OK) == 0 else { throw FileError(path: path, action: .write, errno: errno) }
                return .replace(path: resolved(path) ?? path,
                                existing: Existing(mode: info.st_mode, user: info.st_uid, group: info.st_gid))
            default:
                return .inPlace(path: path)
            }
        }
        let code = errno
        guard code == ENOENT else { throw FileError(path: path, action: .write, errno: code) }
        let file = danglingTarget(path) ?? path
        let (folder, name) = Paths.split(file)
        var folderInfo = stat()
        guard stat(folder.isEmpty ? "." : folder, &folderInfo) == 0, folderInfo.st_mode & S_IFMT == S_IFDIR else {
            throw FileError(path: path, action: .write, kind: .missingFolder, reason: "the folder `\(folder)` does not exist")
        }
        // One spelling for one new file (`out.csv`, `./out.csv`, `data/../out.csv`).
        return .replace(path: resolved(folder.isEmpty ? "." : folder).map { Paths.join($0, name) } ?? file, existing: nil)
    }

    /// `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`: the descriptor.
    static func processDescriptor(_ path: String) -> Int32? {
        switch path {
        case "/dev/stdout": return 1
        case "/dev/stderr": return 2
        default:
            for prefix in ["/dev/fd/", "/proc/self/fd/"] where path.hasPrefix(prefix) {
                return Int32(path.dropFirst(prefix.count))
            }
            return nil
        }
    }

    /// The path with every symbolic link resolved.
    static func resolved(_ path: String) -> String? {
        guard let full = realpath(path, nil) else { return nil }
        defer { free(full) }
        return String(cString: full)
    }

    /// Where a symbolic link that points at nothing yet would create its file.
    static func danglingTarget(_ path: String) -> String? {
        var current = path
        for _ in 0..<40 {
            var info = stat()
            guard lstat(current, &info) == 0, info.st_mode & S_IFMT == S_IFLNK else { return current == path ? nil : current }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(current, &buffer, buffer.count - 1)
            guard n > 0 else { return nil }
            let link = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = link.hasPrefix("/") ? link : Paths.join(Paths.split(current).folder, link)
        }
        return nil
    }
}

/// A file as the system knows it: device and inode, the same through every link.
public struct FileIdentity: Hashable, Sendable {
    let device: UInt64
    let inode: UInt64

    /// The identity of an existing file (links followed); nil when there is none.
    public init?(_ path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }

    /// Whether the file is a regular file (not a device, FIFO or folder).
    public static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
    }
}
