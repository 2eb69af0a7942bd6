import Foundation

/// Where bytes go: standard output, standard error, a file, or memory in tests.
/// Buffered: callers write many small pieces; the sink writes large blocks.
public final class ByteSink: @unchecked Sendable {
    // INVARIANT: a sink is used by one thread at a time (the command that owns it).
    private var buffer: [UInt8] = []
    private let handle: FileHandle?
    /// Everything written, for a memory sink.
    public private(set) var captured: [UInt8] = []
    /// Seconds spent handing blocks to the file handle (the "write" stage of a run).
    public private(set) var writeSeconds: Double = 0
    static let blockSize = 1 << 20

    /// A sink writing to a file handle (standard output or error, or an open file).
    public init(handle: FileHandle) {
        self.handle = handle
        buffer.reserveCapacity(Self.blockSize)
    }

    /// A sink keeping what is written in memory.
    public init() {
        self.handle = nil
    }

    /// Appends text as UTF-8.
    public func write(_ text: String) {
        var text = text
        text.withUTF8 { write(bytes: $0) }
    }

    /// Appends raw bytes (no copy into a String on the way).
    public func write(bytes: UnsafeBufferPointer<UInt8>) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.blockSize { flush() }
    }

    /// Appends raw bytes; a large block (64 KB or more) goes straight out
    /// (a chunk of a run's output), without being copied into the buffer first.
    public func write(_ bytes: [UInt8]) {
        guard bytes.count >= Self.blockSize / 16 else {
            buffer.append(contentsOf: bytes)
            if buffer.count >= Self.blockSize { flush() }
            return
        }
        flush()
        hand(bytes)
    }

    /// Hands what is buffered to the file handle, or to `captured` in memory.
    public func flush() {
        guard !buffer.isEmpty else { return }
        hand(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    private func hand(_ bytes: [UInt8]) {
        guard let handle else {
            captured.append(contentsOf: bytes)
            return
        }
        let started = DispatchTime.now().uptimeNanoseconds
        bytes.withUnsafeBytes { handle.write(Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: $0.baseAddress!), count: $0.count, deallocator: .none)) }
        writeSeconds += Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    }

    /// What a memory sink holds, as text.
    public var text: String {
        flush()
        return String(decoding: captured, as: UTF8.self)
    }
}

/// The world a command runs in. The real process passes its streams and clock;
/// tests pass memory sinks and a fixed date, and run commands in-process.
public struct IO: Sendable {
    public var stdout: ByteSink
    public var stderr: ByteSink
    /// Reads all of standard input (for `--customers -`).
    public var readStandardInput: @Sendable () -> [UInt8]
    /// Whether standard error is a terminal that takes colour.
    public var colour: Bool
    /// Today's date as (year, month, day): only used when `--as-of` is not given.
    public var today: @Sendable () -> (Int, Int, Int)
    /// Where `policy run` records how long each stage took (the benchmark sets it).
    public var timings: StageTimings?
    /// Keeps a command's large data (the customer table) alive until the process
    /// exits, where the system reclaims it at once: releasing a million customers'
    /// columns one string at a time costs tens of milliseconds for nothing (compilers
    /// skip it the same way). Nil: release as usual (tests run many commands in-process).
    public var keepUntilExit: (@Sendable (any Sendable) -> Void)?

    public init(stdout: ByteSink, stderr: ByteSink, readStandardInput: @escaping @Sendable () -> [UInt8],
                colour: Bool, today: @escaping @Sendable () -> (Int, Int, Int)) {
        self.stdout = stdout
        self.stderr = stderr
        self.readStandardInput = readStandardInput
        self.colour = colour
        self.today = today
    }

    /// The process's own streams and clock.
    public static var process: IO {
        let environment = ProcessInfo.processInfo.environment
        let colour = isatty(2) == 1 && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
        var io = IO(stdout: ByteSink(handle: .standardOutput), stderr: ByteSink(handle: .standardError),
                    readStandardInput: { [UInt8](FileHandle.standardInput.readDataToEndOfFile()) },
                    colour: colour,
                    today: {
                        let parts = Calendar.current.dateComponents([.year, .month, .day], from: Date())
                        return (parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1)
                    })
        io.keepUntilExit = { KeptUntilExit.shared.keep($0) }
        return io
    }
}

/// Data kept alive until the process exits (see `IO.keepUntilExit`).
final class KeptUntilExit: @unchecked Sendable {
    static let shared = KeptUntilExit()
    // INVARIANT: only appended to, under `lock`; never released before exit.
    private var kept: [any Sendable] = []
    private let lock = NSLock()

    func keep(_ value: any Sendable) {
        lock.withLock { kept.append(value) }
    }
}

/// The exit codes of SPEC section 3.
public enum ExitCode: Int32, Sendable {
    case ok = 0
    case testsFailed = 1
    case usageOrPolicyError = 2
    case rowsRejected = 3
}
