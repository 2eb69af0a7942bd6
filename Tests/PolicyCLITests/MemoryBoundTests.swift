import Foundation
import Glibc
import Testing

/// A customer file this machine cannot hold is refused with the figures, before it is
/// read, instead of running the machine out of memory.
struct MemoryBoundTests {
    static let policyText = "customer {\n  id text key\n  x int\n}\nrule \"r\" when x > 1 then tag \"t\"\n"

    @Test func aFileLargerThanTheMemoryIsRefusedWithTheFigures() throws {
        var customers = "id,x\n"
        for i in 0..<100_000 { customers += "C\(i),\(i % 7)\n" }
        withFiles(["p.policy": Self.policyText, "c.csv": customers]) { dir in
            let args = ["run", dir.appendingPathComponent("p.policy").path, "--customers", dir.appendingPathComponent("c.csv").path]
            let outcome = policy(args, memory: 4 << 20)
            #expect(outcome.code == 4)
            #expect(outcome.stdout == "")
            #expect(outcome.stderr.hasPrefix("error: cannot read `\(dir.path)/c.csv`: it is 868 KB, and loading it needs about"))
            #expect(outcome.stderr.contains("but 4 MB are available [E0608]\n  = help: split the customers into parts by key"))
            // With room enough, the same file runs.
            #expect(policy(args, memory: 1 << 30).code == 0)
        }
    }

    @Test func aStreamIsRefusedOnceItPassesTheBound() {
        var customers = "id,x\n"
        for i in 0..<100_000 { customers += "C\(i),\(i % 7)\n" }
        withFiles(["p.policy": Self.policyText]) { dir in
            let outcome = policy(["run", dir.appendingPathComponent("p.policy").path, "--customers", "-"], stdin: customers, memory: 4 << 20)
            #expect(outcome.code == 4)
            #expect(outcome.stderr.hasPrefix("error: cannot read standard input: it is 868 KB, and loading it needs about"))
        }
    }

    /// A real process on this machine: a sparse file of a terabyte is refused at once
    /// (reading it would take hours and more memory than any machine here has).
    @Test func aTerabyteIsRefusedAtOnceOnThisMachine() throws {
        try withFiles(["p.policy": Self.policyText, "huge.csv": "id,x\nC1,2\n"]) { dir in
            let huge = dir.appendingPathComponent("huge.csv").path
            #expect(truncate(huge, 1 << 40) == 0)
            let ended = try shell("$POLICY run p.policy --customers huge.csv", in: dir.path)
            #expect(ended.code == 4)
            #expect(ended.stderr.hasPrefix("error: cannot read `huge.csv`: it is 1 TB, and loading it needs about"))
            #expect(ended.stderr.contains("[E0608]"))
        }
    }
}
