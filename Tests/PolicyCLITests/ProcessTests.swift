import Foundation
import Glibc
import Testing

/// The built `policy` command, beside this test binary in the build folder.
let policyBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    .deletingLastPathComponent().appendingPathComponent("policy").path

/// What a real `policy` process did: its streams, and how it ended.
struct Ended {
    var code: Int32
    /// The signal that ended it, if one did.
    var signal: Int32?
    var stdout: String
    var stderr: String
}

/// Runs `script` in bash with `$POLICY` naming the binary, in `folder`: for what only
/// a real process has (closed streams, signals, resource limits, pipes).
func shell(_ script: String, in folder: String) throws -> Ended {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = ["-c", script]
    process.currentDirectoryURL = URL(fileURLWithPath: folder)
    process.environment = ["POLICY": policyBinary, "PATH": "/usr/bin:/bin"]
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let bySignal = process.terminationReason == .uncaughtSignal
    return Ended(code: bySignal ? 128 + process.terminationStatus : process.terminationStatus,
                 signal: bySignal ? process.terminationStatus : nil,
                 stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
}

/// SPEC section 4 with a real process: closed and full streams, broken pipes, files
/// that are inputs, special files, signals and kills during a write.
@Suite(.serialized)
struct ProcessTests {
    static let policyText = """
        customer {
          id   text key
          x    int
        }
        rule "One" when x > 0 then tag "one"
        rule "Two" when x > 1 then tag "two"
        rule "Three" when x > 2 then tag "three", points 30
        """

    /// A folder with `p.policy`, `c.csv` (`rows` customers) and `old.csv`.
    func withData<R>(rows: Int = 3, _ body: (String) throws -> R) throws -> R {
        var customers = "id,x\n"
        for i in 0..<rows { customers += "C\(i),\(i % 5)\n" }
        return try withFiles(["p.policy": Self.policyText, "c.csv": customers, "old.csv": "old\n"]) { try body($0.path) }
    }

    @Test func aClosedStandardOutputIsAnErrorNotACrash() throws {
        try withData { dir in
            let ended = try shell("$POLICY run p.policy --customers c.csv --as-of 2026-11-22 >&-", in: dir)
            #expect(ended.signal == nil)
            #expect(ended.code == 4)
            #expect(ended.stderr == "error: cannot write standard output: it is closed [E0602]\n")
        }
    }

    @Test func aFullStandardOutputIsAnError() throws {
        try withData { dir in
            let ended = try shell("$POLICY run p.policy --customers c.csv --as-of 2026-11-22 > /dev/full", in: dir)
            #expect(ended.code == 4)
            #expect(ended.stderr == "error: cannot write standard output: no space left on device [E0602]\n")
        }
    }

    @Test func aClosedStandardInputIsAnError() throws {
        try withData { dir in
            let ended = try shell("$POLICY run p.policy --customers - --as-of 2026-11-22 <&-", in: dir)
            #expect(ended.code == 4)
            #expect(ended.stderr.hasPrefix("error: cannot read standard input: it is closed [E0601]\n"))
        }
    }

    @Test func aReaderThatGoesAwayEndsTheRunQuietly() throws {
        try withData(rows: 20_000) { dir in
            // With SIGPIPE ignored (as many supervisors do) the write fails with EPIPE.
            for trap in ["trap '' PIPE;", ""] {
                let ended = try shell("\(trap) $POLICY run p.policy --customers c.csv --as-of 2026-11-22 | head -1; exit ${PIPESTATUS[0]}", in: dir)
                #expect(ended.signal == nil)
                #expect(ended.code == 0)
                #expect(ended.stdout == "customer_id,rule,action,value,channel,due,severity,message\n")
                #expect(ended.stderr == "")
            }
        }
    }

    @Test func aFileTooLargeForTheDiskLeavesTheOldFile() throws {
        try withData(rows: 20_000) { dir in
            // `ulimit -f` makes any write past 16 KB fail (EFBIG), as a full disk would.
            let ended = try shell("trap '' XFSZ; ulimit -f 16; $POLICY run p.policy --customers c.csv --as-of 2026-11-22 --output old.csv", in: dir)
            #expect(ended.code == 4)
            #expect(ended.stderr == "error: cannot write `old.csv`: file too large [E0602]\n")
            #expect(try String(contentsOfFile: dir + "/old.csv", encoding: .utf8) == "old\n")
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["c.csv", "old.csv", "p.policy"])
        }
    }

    @Test func aRejectsFileThatCannotBeWrittenIsAnError() throws {
        try withFiles(["p.policy": Self.policyText, "c.csv": "id,x\nC1,2\nC2,many\n"]) { dir in
            let ended = try shell("$POLICY run p.policy --customers c.csv --as-of 2026-11-22 --rejects /dev/full", in: dir.path)
            #expect(ended.code == 4)
            #expect(ended.stderr.hasSuffix("error: cannot write `/dev/full`: no space left on device [E0602]\n"))
        }
    }

    /// `policy fmt` on a full disk: the policy stays as it was, no temporary file is left.
    @Test(.enabled(if: geteuid() == 0, "mounting a small file system needs root"))
    func fmtOnAFullDiskLeavesThePolicy() throws {
        try withFiles([:]) { dir in
            guard mount("tmpfs", dir.path, "tmpfs", 0, "size=16k") == 0 else {
                Issue.record("cannot mount a tmpfs: \(String(cString: strerror(errno)))")
                return
            }
            defer { umount(dir.path) }
            // A policy that fmt would change, then a file that takes the rest of the room.
            let text = String(repeating: "rule   \"r\"   when true then tag \"x\"\n", count: 100)
            try Data(text.utf8).write(to: dir.appendingPathComponent("p.policy"))
            _ = try? Data(count: 1 << 20).write(to: dir.appendingPathComponent("filler"))
            let outcome = policy(["fmt", dir.appendingPathComponent("p.policy").path])
            #expect(outcome.code == 4)
            #expect(outcome.stderr.hasSuffix("no space left on device [E0602]\n"))
            #expect(try String(contentsOf: dir.appendingPathComponent("p.policy"), encoding: .utf8) == text)
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["filler", "p.policy"])
        }
    }

    @Test func zerosAreRefusedAtOnce() throws {
        try withData { dir in
            let ended = try shell("$POLICY run p.policy --customers /dev/zero --input-format csv; echo; $POLICY check /dev/zero", in: dir)
            #expect(ended.stderr == """
                error: cannot read `/dev/zero`: it is not text: it holds NUL and control bytes, as a binary file does [E0609]
                  = help: pass the customer export itself, as CSV, TSV, JSON or JSON Lines
                error: cannot read `/dev/zero`: it is not text: it holds NUL bytes [E0609]

                """)
        }
    }

    @Test func outputsThatAreInputsAreRefusedBeforeAnythingIsRead() throws {
        try withData { dir in
            symlink("c.csv", dir + "/alias.csv")
            let before = try String(contentsOfFile: dir + "/c.csv", encoding: .utf8)
            for (args, message) in [
                ("--output c.csv", "error: `--output c.csv` would overwrite the input file `c.csv` [E0607]"),
                ("--output alias.csv", "error: `--output alias.csv` would overwrite the input file `c.csv` [E0607]"),
                ("--rejects p.policy", "error: `--rejects p.policy` would overwrite the input file `p.policy` [E0607]"),
                ("--output out.csv --rejects ./out.csv", "error: `--output` and `--rejects` name the same file `./out.csv` [E0607]"),
            ] {
                let ended = try shell("$POLICY run p.policy --customers c.csv \(args)", in: dir)
                #expect(ended.code == 2)
                #expect(ended.stderr.hasPrefix(message + "\n"))
            }
            #expect(try String(contentsOfFile: dir + "/c.csv", encoding: .utf8) == before)
            #expect(!FileManager.default.fileExists(atPath: dir + "/out.csv"))
        }
    }

    @Test func specialFilesAreWrittenInPlace() throws {
        try withData { dir in
            let ended = try shell("""
                $POLICY run p.policy --customers c.csv --as-of 2026-11-22 --output /dev/null --rejects /dev/null &&
                $POLICY run p.policy --customers c.csv --as-of 2026-11-22 --output /dev/stdout | wc -l
                """, in: dir)
            #expect(ended.code == 0)
            #expect(ended.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "4")
            var info = stat()
            stat("/dev/null", &info)
            #expect(info.st_mode & S_IFMT == S_IFCHR)
        }
    }

    /// SIGINT, SIGTERM and SIGHUP during the write remove the temporary file and leave
    /// the old output; the process still ends by that signal.
    @Test(arguments: [SIGTERM, SIGINT, SIGHUP])
    func aSignalDuringTheWriteRemovesTheTemporaryFile(signal: Int32) throws {
        try withData(rows: 200_000) { dir in
            let process = try Spawned(["run", dir + "/p.policy", "--customers", dir + "/c.csv", "--as-of", "2026-11-22", "--output", dir + "/old.csv"])
            guard waitForTemporaryFile(in: dir, while: process) else {
                Issue.record("the run ended before it started writing")
                return
            }
            process.send(signal)
            #expect(process.wait() == .signal(signal))
            #expect(try String(contentsOfFile: dir + "/old.csv", encoding: .utf8) == "old\n")
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["c.csv", "old.csv", "p.policy"])
        }
    }

    /// Kills at random points of a large write, 50 times: the output is always the old
    /// file or the new one, whole; the next run leaves no temporary file behind.
    @Test func killedAtAnyMomentTheOutputIsOldOrNewAndWhole() throws {
        try withData(rows: 20_000) { dir in
            let arguments = ["run", "p.policy", "--customers", "c.csv", "--as-of", "2026-11-22", "--output", "old.csv"]
            _ = try shell("$POLICY \(arguments.dropLast(2).joined(separator: " ")) --output new.csv", in: dir)
            let new = try Data(contentsOf: URL(fileURLWithPath: dir + "/new.csv"))
            #expect(new.count > 500_000)
            var generator = SystemRandomNumberGenerator()
            var sawOld = 0, sawNew = 0
            for round in 0..<50 {
                try Data("old\n".utf8).write(to: URL(fileURLWithPath: dir + "/old.csv"))
                let process = try Spawned(arguments.map { $0.hasSuffix("csv") || $0.hasSuffix("policy") ? dir + "/" + $0 : $0 })
                // Most kills land while the temporary file is being written.
                if round % 5 != 0 { _ = waitForTemporaryFile(in: dir, while: process) }
                usleep(UInt32.random(in: 0..<60_000, using: &generator))
                process.send(round % 2 == 0 ? SIGKILL : SIGTERM)
                _ = process.wait()
                let now = try Data(contentsOf: URL(fileURLWithPath: dir + "/old.csv"))
                if now == Data("old\n".utf8) { sawOld += 1 } else if now == new { sawNew += 1 } else {
                    Issue.record("round \(round): the output is neither the old file nor the new one (\(now.count) bytes)")
                }
            }
            #expect(sawOld + sawNew == 50)
            let ended = try shell("$POLICY \(arguments.joined(separator: " "))", in: dir)
            #expect(ended.code == 0)
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["c.csv", "new.csv", "old.csv", "p.policy"])
        }
    }

    /// The history is written anew and renamed: a kill at any moment leaves the old
    /// history or the new one, whole.
    @Test func killedAtAnyMomentTheHistoryIsOldOrNewAndWhole() throws {
        try withData(rows: 20_000) { dir in
            let run = "$POLICY run p.policy --customers c.csv --output /dev/null --history h.csv --as-of"
            _ = try shell("\(run) 2026-11-20 && \(run) 2026-11-21 && cp h.csv old-history && \(run) 2026-11-22 && mv h.csv new-history",
                          in: dir)
            let old = try Data(contentsOf: URL(fileURLWithPath: dir + "/old-history"))
            let new = try Data(contentsOf: URL(fileURLWithPath: dir + "/new-history"))
            #expect(new.count > old.count && old.count > 500_000)
            let arguments = ["run", dir + "/p.policy", "--customers", dir + "/c.csv", "--output", "/dev/null",
                             "--history", dir + "/h.csv", "--as-of", "2026-11-22"]
            var generator = SystemRandomNumberGenerator()
            var sawOld = 0, sawNew = 0
            for round in 0..<30 {
                try old.write(to: URL(fileURLWithPath: dir + "/h.csv"))
                let process = try Spawned(arguments)
                if round % 5 != 0 { _ = waitForTemporaryFile(in: dir, while: process) }
                usleep(UInt32.random(in: 0..<40_000, using: &generator))
                process.send(round % 2 == 0 ? SIGKILL : SIGTERM)
                _ = process.wait()
                let now = try Data(contentsOf: URL(fileURLWithPath: dir + "/h.csv"))
                if now == old { sawOld += 1 } else if now == new { sawNew += 1 } else {
                    Issue.record("round \(round): the history is neither the old file nor the new one (\(now.count) bytes)")
                }
            }
            #expect(sawOld + sawNew == 30)
        }
    }

    /// A history that cannot be written (a file size limit, as a full disk) is an
    /// error, and the old history stays.
    @Test func aHistoryThatCannotBeWrittenLeavesTheOldOne() throws {
        try withData(rows: 2_000) { dir in
            let run = "$POLICY run p.policy --customers c.csv --output /dev/null --history h.csv --as-of"
            _ = try shell("\(run) 2026-11-20", in: dir)
            let old = try Data(contentsOf: URL(fileURLWithPath: dir + "/h.csv"))
            #expect(old.count > 16 * 1024)
            let ended = try shell("trap '' XFSZ; ulimit -f \(old.count / 1024); \(run) 2026-11-21", in: dir)
            #expect(ended.code == 4)
            #expect(ended.stderr == "error: cannot write `h.csv`: file too large [E0602]\n")
            #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/h.csv")) == old)
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["c.csv", "h.csv", "old.csv", "p.policy"])
        }
    }

    /// The history's next version is begun while the customers load: a run that then
    /// stops (rows rejected under `--strict`, a malformed history) leaves the history as
    /// it was and no temporary file.
    @Test func aRunThatStopsAfterTheHistoryIsBegunLeavesItAsItWas() throws {
        try withData(rows: 2_000) { dir in
            let run = "$POLICY run p.policy --output /dev/null --history h.csv --as-of"
            _ = try shell("\(run) 2026-11-20 --customers c.csv && printf 'id,x\\nB1,seven\\n' > bad.csv", in: dir)
            let old = try Data(contentsOf: URL(fileURLWithPath: dir + "/h.csv"))
            let strict = try shell("\(run) 2026-11-21 --customers bad.csv --strict", in: dir)
            #expect(strict.code == 3, "\(strict.stderr)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/h.csv")) == old)
            try Data((String(decoding: old, as: UTF8.self) + "C1,One,tag,one\n").utf8).write(to: URL(fileURLWithPath: dir + "/h.csv"))
            let malformed = try shell("\(run) 2026-11-21 --customers c.csv", in: dir)
            #expect(malformed.code == 2)
            #expect(malformed.stderr.contains("the record has 4 cells, but a history record has 10 [E0516]"), "\(malformed.stderr)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["bad.csv", "c.csv", "h.csv", "old.csv", "p.policy"])
        }
    }

    /// `POLICY_TIMINGS=1` prints each stage of a run, the history's among them.
    @Test func timingsArePrintedWhenAsked() throws {
        try withData { dir in
            let ended = try shell("POLICY_TIMINGS=1 $POLICY run p.policy --customers c.csv --output /dev/null --history h.csv --as-of 2026-11-22",
                                  in: dir)
            #expect(ended.code == 0)
            let stages = ended.stderr.split(separator: "\n").map { $0.split(separator: " ").first.map(String.init) ?? "" }
            #expect(stages == ["read", "read", "load", "read", "wait", "aggregates", "evaluate", "write", "history"], "\(ended.stderr)")
        }
    }

    /// Waits until the process has a temporary file in `folder`; false if it ended first.
    func waitForTemporaryFile(in folder: String, while process: Spawned) -> Bool {
        while process.isRunning {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            if names.contains(where: { $0.hasSuffix(".policy-tmp") }) { return true }
            usleep(1_000)
        }
        return false
    }
}

/// A `policy` process started with every signal at its default action and none
/// blocked, whatever the test runner set for itself (a child inherits ignored
/// signals, and an ignored SIGTERM would make a signal test pass for nothing).
final class Spawned {
    enum End: Equatable {
        case exit(Int32)
        case signal(Int32)
    }

    let pid: pid_t
    private var ended: End?

    /// Starts `policy ARGUMENTS` (paths absolute: the child starts in this process's folder).
    init(_ arguments: [String]) throws {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t(), none = sigset_t()
        sigfillset(&all)
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([policyBinary] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, policyBinary, &actions, &attributes, argv, environ)
        guard status == 0 else { throw POSIXError(POSIXErrorCode(rawValue: status) ?? .EIO) }
        self.pid = pid
    }

    var isRunning: Bool {
        guard ended == nil else { return false }
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return true }
        ended = Spawned.end(status)
        return false
    }

    func send(_ signal: Int32) {
        if ended == nil { kill(pid, signal) }
    }

    func wait() -> End {
        if let ended { return ended }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        ended = Spawned.end(status)
        return ended!
    }

    static func end(_ status: Int32) -> End {
        // WIFSIGNALED / WTERMSIG / WEXITSTATUS, which Swift does not import as macros.
        let signal = status & 0x7f
        return signal != 0 ? .signal(signal) : .exit((status >> 8) & 0xff)
    }
}
