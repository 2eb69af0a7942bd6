import Glibc

/// A regular file's bytes mapped into memory and read in place, with no copy into
/// the process. Read a stretch at a time: `prefetch` asks the system for the next,
/// `release` lets go of one read (its pages stay in the system's cache, but no longer
/// count as the process's memory), so a file of any size costs a few stretches.
///
/// A file cut short by another process while it is mapped raises SIGBUS, which
/// removes the temporary files and ends the run (`TemporaryFiles`); the reader
/// checks afterwards that the file did not change (`InputFile.changedSinceOpened`).
public final class MappedFile {
    public let bytes: UnsafeBufferPointer<UInt8>
    private let base: UnsafeMutableRawPointer
    private let page = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Maps `file`: a regular file, not empty; nil when it cannot be mapped.
    public init?(_ file: InputFile) {
        guard let size = file.size, size > 0 else { return nil }
        guard let address = mmap(nil, size, PROT_READ, MAP_SHARED, file.descriptor, 0), address != MAP_FAILED else { return nil }
        base = address
        bytes = UnsafeBufferPointer(start: address.assumingMemoryBound(to: UInt8.self), count: size)
        _ = madvise(address, size, MADV_SEQUENTIAL)
    }

    deinit { munmap(base, bytes.count) }

    /// Brings the pages of `range` in now: they are read next.
    public func prefetch(_ range: Range<Int>) {
        guard let (start, count) = pages(range) else { return }
        // 22 is MADV_POPULATE_READ (Linux 5.14); an older system reads the pages in as they are touched.
        _ = madvise(start, count, 22)
    }

    /// Lets go of the pages of `range`: read, not to be read again.
    public func release(_ range: Range<Int>) {
        guard let (start, count) = pages(range) else { return }
        _ = madvise(start, count, MADV_DONTNEED)
    }

    /// The pages that hold `range`, within the file.
    private func pages(_ range: Range<Int>) -> (UnsafeMutableRawPointer, Int)? {
        let lower = max(0, range.lowerBound) / page * page
        let upper = min(bytes.count, range.upperBound)
        guard upper > lower else { return nil }
        return (base + lower, upper - lower)
    }
}
