import Glibc

/// Copies bytes from one file to another inside the system (`copy_file_range`),
/// without bringing them into the process: a large file copied as it is read costs
/// the system one copy from its cache, not two, and no page of the process.
enum KernelCopy {
    private typealias Function = @convention(c) (Int32, UnsafeMutablePointer<Int64>?, Int32, UnsafeMutablePointer<Int64>?, Int, UInt32) -> Int
    /// Looked up at run time: the C library declares it only for GNU builds.
    private static let function: Function? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "copy_file_range") else { return nil }
        return unsafeBitCast(symbol, to: Function.self)
    }()

    enum Outcome: Equatable {
        case copied
        /// The system cannot copy between these files: write the bytes instead.
        case unsupported
        case failed(Int32)
    }

    /// Copies `count` bytes of `source` from `offset` to where `target` is.
    static func copy(from source: Int32, at offset: Int, count: Int, to target: Int32) -> Outcome {
        guard let function else { return .unsupported }
        var from = Int64(offset), left = count
        while left > 0 {
            let n = function(source, &from, target, nil, left, 0)
            if n > 0 {
                left -= n
                continue
            }
            let code = n == 0 ? EIO : errno
            if code == EINTR { continue }
            // Nothing copied yet and the files cannot be copied between: the caller writes.
            if left == count, [EXDEV, EINVAL, ENOSYS, EOPNOTSUPP, EBADF].contains(code) { return .unsupported }
            return .failed(code)
        }
        return .copied
    }
}
