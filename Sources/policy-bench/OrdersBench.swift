import Foundation

/// The orders workload (`--orders DIR`): `policy run` of the RFM programme over
/// `DIR/customers.csv` and `DIR/orders.csv` (as the workload's generator writes them),
/// and, with `--peer PEER.py`, the same programme in the peer's engine, in interleaved
/// runs, each a process of its own on a quiet disk: every run's wall time and peak
/// memory, the medians, their ratio, whether the actions agree (through the peer's
/// `compare.py`, beside it), and the stages of a run.
struct OrdersBench {
    let directory: String
    let policy: String
    let peer: String?
    let runs: Int
    let asOf = "2026-11-22"

    /// Wall seconds and peak megabytes of a command, timed by `/usr/bin/time`.
    func timed(_ command: [String], environment: [String: String] = [:]) -> (wall: Double, peakMB: Double, stderr: String) {
        let report = NSTemporaryDirectory() + "policy-bench-time-\(getpid())"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/time")
        process.arguments = ["-f", "%e %M", "-o", report] + command
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            print("cannot run \(command.joined(separator: " ")): \(error)")
            exit(2)
        }
        let text = String(decoding: (try? errors.fileHandleForReading.readToEnd()) ?? Data(), as: UTF8.self)
        process.waitUntilExit()
        let words = ((try? String(contentsOfFile: report, encoding: .utf8)) ?? "").split(whereSeparator: \.isWhitespace)
        try? FileManager.default.removeItem(atPath: report)
        guard process.terminationStatus == 0, words.count >= 2, let wall = Double(words[words.count - 2]),
              let kilobytes = Double(words[words.count - 1]) else {
            print("\(command.joined(separator: " ")) failed (exit \(process.terminationStatus)):\n\(text)")
            exit(1)
        }
        return (wall, kilobytes / 1024, text)
    }

    /// Each run starts with what the run before wrote on the disk (its output, 60 MB).
    func settle() {
        sync()
    }

    func run() {
        let customers = directory + "/customers.csv", orders = directory + "/orders.csv"
        let scratch = NSTemporaryDirectory() + "policy-bench-orders-\(getpid())"
        try? FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("policy").path
        let ours = [binary, "run", policy, "--customers", customers, "--orders", orders, "--as-of", asOf,
                    "--output", scratch + "/policy.csv"]
        let theirs = peer.map { ["python3", $0, customers, orders, scratch + "/peer.csv", asOf] }
        var policyRuns: [(Double, Double)] = [], peerRuns: [(Double, Double)] = []
        for _ in 0..<max(1, runs) {
            settle()
            let p = timed(ours)
            policyRuns.append((p.wall, p.peakMB))
            if let theirs {
                settle()
                let q = timed(theirs)
                peerRuns.append((q.wall, q.peakMB))
            }
        }
        func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }
        func line(_ name: String, _ xs: [(Double, Double)]) -> String {
            let walls = xs.map(\.0), peaks = xs.map(\.1)
            return String(format: "%-8@ ", name as NSString) + walls.map { String(format: "%.2f", $0) }.joined(separator: " / ")
                + String(format: " s, median %.2f s, peak %.0f-%.0f MB", median(walls), peaks.min() ?? 0, peaks.max() ?? 0)
        }
        print("orders workload \(directory): \(max(1, runs)) interleaved runs, policy run \(policy)")
        print(line("policy", policyRuns))
        if !peerRuns.isEmpty {
            print(line("peer", peerRuns))
            print(String(format: "ratio    policy / peer = %.2f", median(policyRuns.map(\.0)) / median(peerRuns.map(\.0))))
        }
        // The stages of one more run.
        settle()
        let staged = timed(ours, environment: ["POLICY_TIMINGS": "1"])
        print("stages of a run:")
        for line in staged.stderr.split(separator: "\n") where line.hasSuffix(" s") { print("  " + line) }
        if let peer {
            print("the actions, against the peer's:")
            fflush(nil)
            let projected = scratch + "/policy-peer.csv"
            let compare = URL(fileURLWithPath: peer).deletingLastPathComponent().appendingPathComponent("compare.py").path
            for command in [["python3", "Benchmarks/to_peer_columns.py", scratch + "/policy.csv", projected],
                            ["python3", compare, projected, scratch + "/peer.csv"]] {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                process.arguments = command
                try? process.run()
                process.waitUntilExit()
                if process.terminationStatus != 0 { print("\(command.joined(separator: " ")): exit \(process.terminationStatus)") }
            }
        }
        try? FileManager.default.removeItem(atPath: scratch)
    }
}
