import Foundation
import Glibc
import Testing
@testable import PolicyFiles

/// The temporary files of processes that died before they could remove them (kill -9)
/// are removed by the next write into the same folder; those of live processes stay.
struct TemporaryFilesTests {
    @Test func theNextWriteRemovesTheTemporaryFilesOfDeadProcesses() throws {
        try withFolder { folder in
            // No process has this id (ids stop far below it).
            let dead = folder + "/.out.csv.2147480000.policy-tmp"
            // Process 1 is always alive.
            let alive = folder + "/.other.csv.1.policy-tmp"
            let unrelated = folder + "/.notes.1234.tmp"
            for path in [dead, alive, unrelated] { put("half", path) }
            try OutputFile.write(folder + "/out.csv") { $0.write("whole\n") }
            #expect(entries(folder) == [".notes.1234.tmp", ".other.csv.1.policy-tmp", "out.csv"])
        }
    }

    @Test(arguments: [
        (".out.csv.123.policy-tmp", Int32?.some(123)),
        (".a.b.c.99.policy-tmp", Int32?.some(99)),
        ("out.csv.123.policy-tmp", nil),
        (".out.csv.x.policy-tmp", nil),
        (".123.policy-tmp", nil),
        (".out.csv.123.tmp", nil),
    ])
    func temporaryFileNamesCarryTheirProcess(name: String, pid: Int32?) {
        #expect(TemporaryFiles.owner(of: name) == pid)
    }

    @Test func aTemporaryFileSitsBesideItsTarget() {
        #expect(TemporaryFiles.path(for: "/data/out.csv") == "/data/.out.csv.\(getpid()).policy-tmp")
        #expect(TemporaryFiles.path(for: "out.csv") == ".out.csv.\(getpid()).policy-tmp")
    }
}
