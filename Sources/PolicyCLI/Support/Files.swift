import Foundation

/// Reading and writing the files named on the command line, and nothing else.
enum Files {
    /// The bytes of a file, or a reason it cannot be read.
    static func read(_ path: String) -> Result<[UInt8], FileFailure> {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return .failure(FileFailure(path: path, reason: "no such file"))
        }
        if isDirectory.boolValue { return .failure(FileFailure(path: path, reason: "it is a folder, not a file")) }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return .failure(FileFailure(path: path, reason: "permission denied")) }
        defer { close(fd) }
        // Straight into one byte array: going through `Data` held the file twice.
        var info = stat()
        let size = fstat(fd, &info) == 0 ? Int(info.st_size) : 0
        // Not zero-filled first: the reads write every byte that is kept. A large file
        // is read in parts on several threads (the copies and page faults are the cost).
        var bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            let parts = size >= 32 << 20 ? 4 : 1
            nonisolated(unsafe) let base = buffer.baseAddress
            nonisolated(unsafe) let ends = UnsafeMutableBufferPointer<Int>.allocate(capacity: parts)
            defer { ends.deallocate() }
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                var at = size * part / parts
                let end = size * (part + 1) / parts
                while at < end {
                    let n = pread(fd, base! + at, end - at, off_t(at))
                    if n < 0, errno == EINTR { continue }
                    if n <= 0 { break }
                    at += n
                }
                ends[part] = at
            }
            // Only what was read without a gap counts (a file that shrank meanwhile).
            count = 0
            for part in 0..<parts {
                count = ends[part]
                if ends[part] < size * (part + 1) / parts { break }
            }
        }
        lseek(fd, off_t(bytes.count), SEEK_SET)
        // A file that grew while being read (or a pipe-like file with no size): read the rest.
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return .success(bytes)
    }

    /// Writes a file whole or not at all: into a temporary file beside it, then a
    /// rename over the target, so a reader never sees half a file.
    static func writeAtomically(_ path: String, _ body: (ByteSink) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let temporary = (directory as NSString).appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
              let handle = FileHandle(forWritingAtPath: temporary) else {
            throw FileFailure(path: path, reason: writeReason(directory))
        }
        let sink = ByteSink(handle: handle)
        do {
            try body(sink)
            sink.flush()
            try handle.synchronize()
            try handle.close()
        } catch {
            try? handle.close()
            unlink(temporary)
            throw error
        }
        if rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw FileFailure(path: path, reason: reason.lowercased())
        }
    }

    static func writeReason(_ directory: String) -> String {
        var isDirectory: ObjCBool = false
        let dir = directory.isEmpty ? "." : directory
        if !FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory) || !isDirectory.boolValue {
            return "the folder `\(dir)` does not exist"
        }
        return "permission denied"
    }
}

/// A file that could not be read or written, and why.
struct FileFailure: Error {
    var path: String
    var reason: String
}
