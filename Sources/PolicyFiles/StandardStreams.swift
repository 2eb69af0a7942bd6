import Glibc

/// The process's standard streams, made safe before anything else runs.
public enum StandardStreams {
    /// The standard descriptors (0, 1, 2) that were closed when the process started.
    /// Each is held open on `/dev/null` meanwhile, so that no file the command opens
    /// takes its number: an output file opened as descriptor 2 would receive the
    /// error messages. Reading a closed standard input or writing a closed standard
    /// output is still an error (see `InputFile.standardInput` and `ByteSink`).
    nonisolated(unsafe) public private(set) static var closedAtStart: Set<Int32> = []
    nonisolated(unsafe) private static var prepared = false

    /// Run once, first thing in the process: holds closed standard descriptors, and
    /// turns a reader that goes away (`policy run ... | head`) into an `EPIPE` from
    /// `write`, which ends the command quietly, rather than a kill by `SIGPIPE`.
    public static func prepare() {
        guard !prepared else { return }
        prepared = true
        for descriptor: Int32 in 0...2 where fcntl(descriptor, F_GETFD) == -1 && errno == EBADF {
            let held = open("/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY)
            if held == descriptor { closedAtStart.insert(descriptor) }
        }
        signal(SIGPIPE, SIG_IGN)
        TemporaryFiles.removeOnSignals()
    }

    /// A sink for standard output or error: the descriptor, or one that fails on the
    /// first write when the stream was closed at start.
    public static func sink(_ descriptor: Int32) -> ByteSink {
        let name = descriptor == 1 ? "standard output" : "standard error"
        if closedAtStart.contains(descriptor) {
            return ByteSink(failing: FileError(path: name, action: .write, kind: .system(EBADF), reason: "it is closed"))
        }
        return ByteSink(descriptor: descriptor, name: name)
    }
}
