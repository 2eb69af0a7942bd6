import Foundation
import PolicyFiles

/// The world a command runs in. The real process passes its streams and clock;
/// tests pass memory sinks and a fixed date, and run commands in-process.
public struct IO: Sendable {
    public var stdout: ByteSink
    public var stderr: ByteSink
    /// Opens standard input (for `--customers -`).
    public var standardInput: @Sendable () throws(FileError) -> InputFile
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

    /// The memory this run may fill, in bytes (nil: unknown, no bound); tests set it
    /// small to see the refusal of a file too large.
    public var availableMemory: @Sendable () -> Int? = { MemoryBudget.available() }

    public init(stdout: ByteSink, stderr: ByteSink, standardInput: @escaping @Sendable () throws(FileError) -> InputFile,
                colour: Bool, today: @escaping @Sendable () -> (Int, Int, Int)) {
        self.stdout = stdout
        self.stderr = stderr
        self.standardInput = standardInput
        self.colour = colour
        self.today = today
    }

    /// The process's own streams and clock. The first call makes the streams safe
    /// (`StandardStreams.prepare`): call it before anything else.
    public static var process: IO {
        StandardStreams.prepare()
        let environment = ProcessInfo.processInfo.environment
        let colour = isatty(2) == 1 && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
        var io = IO(stdout: StandardStreams.sink(1), stderr: StandardStreams.sink(2),
                    standardInput: { () throws(FileError) in try InputFile.standardInput() },
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
    /// A file could not be read or written (SPEC section 3).
    case fileError = 4
}
