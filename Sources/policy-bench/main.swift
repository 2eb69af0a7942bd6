import Foundation
import PolicyCLI
import PolicyFiles
import PolicyValues

/// The `policy` benchmark:
///
///     swift run -c release policy-bench --customers 1000000
///
/// generates a deterministic customer file shaped like the reference workload
/// (unless `--file` names one), runs `policy run Rules/retail.policy` on it through
/// the same code as the command line, and prints wall time, customers per second,
/// peak memory and the time of each stage. Run it from the repository's root.
///
/// Then it runs the same policy with `resolve discount by best` and `resolve
/// contact by first` added, `--pairs` times each, interleaved, and prints both
/// medians: `resolve` must cost next to nothing. For `Rules/retail.policy`, it does
/// the same with two rule quotas and a 5% holdout added.
///
/// With `--history-days N`, it first runs the policy on the N days before the as-of
/// date with one `--history` file, then runs it with and without that history in
/// interleaved pairs (recording the day, as a daily run does; each a `policy` process
/// of its own) and prints both.
///
/// With `--orders DIR` it runs the orders workload instead (see `OrdersBench`):
///
///     swift run -c release policy-bench --orders /tmp/orders-bench/c1m --peer PEER_DUCKDB_ORDERS.py --pairs 5

var count = 1_000_000
var file: String? = nil
var policy = "Rules/retail.policy"
var keep = false
var seed: UInt64 = 20_261_122
var pairs = 3
var historyDays = 0
var ordersDirectory: String? = nil
var peer: String? = nil
var arguments = Array(CommandLine.arguments.dropFirst())
while !arguments.isEmpty {
    let flag = arguments.removeFirst()
    let value = arguments.isEmpty ? "" : arguments.removeFirst()
    switch flag {
    case "--customers": count = Int(value.filter { $0 != "_" }) ?? count
    case "--file": file = value
    case "--policy": policy = value
    case "--seed": seed = UInt64(value) ?? seed
    case "--pairs": pairs = Int(value) ?? pairs
    case "--history-days": historyDays = Int(value) ?? 0
    case "--orders": ordersDirectory = value
    case "--peer": peer = value
    case "--keep": keep = true; if !value.isEmpty { arguments.insert(value, at: 0) }
    default:
        let stderr = StandardStreams.sink(2)
        stderr.write("usage: policy-bench [--customers N] [--file CSV] [--policy FILE] [--seed S] [--pairs N] [--history-days N] [--keep]\n"
                     + "       policy-bench --orders DIR [--peer PEER.py] [--policy FILE] [--pairs N]\n")
        stderr.flush()
        exit(2)
    }
}

if let ordersDirectory {
    OrdersBench(directory: ordersDirectory, policy: policy == "Rules/retail.policy" ? "Rules/rfm_workload.policy" : policy,
                peer: peer, runs: pairs).run()
    exit(0)
}

let directory = FileManager.default.temporaryDirectory.path
let input = file ?? "\(directory)/policy-bench-\(count).csv"
let output = "\(directory)/policy-bench-\(count)-actions.csv"
if file == nil {
    let started = Date()
    var generator = CustomerGenerator(seed: seed)
    try generator.write(count: count, to: input)
    let size = (try? InputFile.open(input))?.size ?? 0
    print("generated \(count) customers (\(size / 1_000_000) MB) in \(String(format: "%.2f", Date().timeIntervalSince(started))) s: \(input)")
}

/// The line ends of a file, read a block at a time, so that the peak memory
/// printed is the run's; nil when it cannot be read.
func lineEnds(_ path: String) -> Int? {
    var ends = 0
    do {
        try InputFile.open(path).forEachBlock { block in ends += block.reduce(0) { $1 == 10 ? $0 + 1 : $0 } }
    } catch {
        return nil
    }
    return ends
}

// The rows of a given file (line ends less the header's): what customers/s divides.
if let file, let ends = lineEnds(file) { count = max(0, ends - 1) }

/// One `policy run` of `policy` through the command line's code: exit code, wall
/// seconds, and the time of each stage.
func run(_ policy: String, asOf: String = "2026-11-22", extra: [String] = []) -> (code: Int32, wall: Double, stages: [(String, Double)]) {
    let timings = StageTimings()
    var io = IO.process
    io.timings = timings
    // One process runs them all: each run's table goes when the run ends, not at exit.
    io.keepUntilExit = nil
    let started = DispatchTime.now().uptimeNanoseconds
    let code = PolicyCLI.main(["run", policy, "--customers", input, "--as-of", asOf, "--output", output] + extra, io: io)
    return (code, Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9, timings.stages)
}

/// One `policy run` as a process of its own (the `policy` built beside this
/// benchmark), its stages printed by `POLICY_TIMINGS=1`: exit code, wall seconds, stages.
func runProcess(_ policy: String, asOf: String = "2026-11-22", extra: [String] = []) -> (code: Int32, wall: Double, stages: [(String, Double)]) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("policy")
    process.arguments = ["run", policy, "--customers", input, "--as-of", asOf, "--output", output] + extra
    process.environment = ProcessInfo.processInfo.environment.merging(["POLICY_TIMINGS": "1"]) { $1 }
    let errors = Pipe()
    process.standardError = errors
    let started = DispatchTime.now().uptimeNanoseconds
    do {
        try process.run()
    } catch {
        print("cannot run \(process.executableURL!.path): \(error)")
        exit(2)
    }
    let text = String(decoding: (try? errors.fileHandleForReading.readToEnd()) ?? Data(), as: UTF8.self)
    process.waitUntilExit()
    let wall = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    // `read history   0.960 s`
    let stages = text.split(separator: "\n").compactMap { line -> (String, Double)? in
        let words = line.split(separator: " ")
        guard words.count >= 3, words.last == "s", let seconds = Double(words[words.count - 2]) else { return nil }
        return (words.dropLast(2).joined(separator: " "), seconds)
    }
    return (process.terminationStatus, wall, stages)
}

let first = run(policy)
var usage = rusage()
getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
let peakMB = Double(usage.ru_maxrss) / 1024
let records = max(0, (lineEnds(output) ?? 1) - 1)

print("policy run \(policy), exit \(first.code)")
print(String(format: "customers        %d", count))
print(String(format: "actions          %d", records))
print(String(format: "wall             %.3f s", first.wall))
print(String(format: "customers/s      %.0f", Double(count) / first.wall))
print(String(format: "peak memory      %.0f MB", peakMB))
for (name, seconds) in first.stages {
    print(String(format: "  %-14@ %.3f s", name as NSString, seconds))
}

/// Interleaved runs without and with something: every run, the medians and their ratio.
func printPairs(_ title: String, without: [Double], with: [Double]) {
    func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }
    func runs(_ xs: [Double]) -> String { xs.map { String(format: "%.3f", $0) }.joined(separator: " / ") }
    print(title)
    print("  without        " + runs(without) + String(format: " s, median %.3f s", median(without)))
    print("  with           " + runs(with) + String(format: " s, median %.3f s", median(with)))
    print(String(format: "  ratio          %.3f", median(with) / median(without)))
}

/// The policy as it is beside a variant of its text, `pairs` runs of each, interleaved.
@MainActor func comparePairs(_ title: String, _ change: (String) -> String) throws {
    guard pairs > 0, let text = try? InputFile.open(policy).readText(limit: 1 << 24) else { return }
    let variant = "\(directory)/policy-bench-variant-\(getpid()).policy"
    try OutputFile.write(variant) { $0.write(Array(change(String(decoding: text, as: UTF8.self)).utf8)) }
    defer { try? FileManager.default.removeItem(atPath: variant) }
    var plain: [Double] = [], changed: [Double] = []
    for _ in 0..<pairs {
        plain.append(run(policy).wall)
        let run = run(variant)
        guard run.code <= 1 else {
            print("\(title): the variant does not run (exit \(run.code))")
            return
        }
        changed.append(run.wall)
    }
    printPairs("\(title), \(pairs) interleaved pairs:", without: plain, with: changed)
}

// `resolve` must cost next to nothing.
try comparePairs("resolve discount by best + resolve contact by first") { $0 + "\nresolve discount by best\nresolve contact by first\n" }
// Quotas and a holdout (SPEC section 7), on the reference policy's rules: one that fires
// for many customers, one for few; within 1.2x of the policy without them.
if policy == "Rules/retail.policy" {
    try comparePairs("quotas on loyalty_discount and referral_reward + holdout 5%") {
        $0.replacingOccurrences(of: "rule \"loyalty_discount\"", with: "rule \"loyalty_discount\" limit 20000 by total_spend desc")
            .replacingOccurrences(of: "rule \"referral_reward\"", with: "rule \"referral_reward\" limit 1000 by referrals desc")
            + "\nholdout 5% seed \"bench-2026\"\n"
    }
}
// The policy with and without a history of the days before, in pairs.
if historyDays > 0 {
    let history = "\(directory)/policy-bench-history-\(getpid()).csv"
    let started = Date()
    for day in (1...historyDays).reversed() {
        let date = CivilDate(year: 2026, month: 11, day: 22)!.adding(days: -day)!.iso
        _ = run(policy, asOf: date, extra: ["--history", history])
    }
    let size = (try? InputFile.open(history))?.size ?? 0
    let recorded = max(0, (lineEnds(history) ?? 1) - 1)
    print("history of \(historyDays) days: \(recorded) records (\(size / 1_000_000) MB), written in " + String(format: "%.1f s", Date().timeIntervalSince(started)))
    // Each run with the history is a new day's: it starts from a copy of the history of
    // the days before (made with `cp`, as a run makes one). Yesterday's file may still be
    // in the system's cache, or not (this machine reclaims pages not read for a while):
    // a new day is run both ways, its copy's cached pages dropped for the second.
    let daily = "\(directory)/policy-bench-history-day-\(getpid()).csv"
    func copyHistory(cached: Bool) throws {
        try? FileManager.default.removeItem(atPath: daily)
        let copy = Process()
        copy.executableURL = URL(fileURLWithPath: "/bin/cp")
        copy.arguments = [history, daily]
        try copy.run()
        copy.waitUntilExit()
        sync()
        if !cached { try InputFile.open(daily).forgetCachedPages() }
    }
    /// Each run starts on a quiet disk, as a daily job does: what the step before wrote
    /// and freed (a recording run replaces 0.9 GB) is done with.
    func settle() {
        sync()
        sleep(3)
    }
    // These runs are processes of their own, as a daily job runs them.
    var plain: [Double] = [], warm: [Double] = [], cold: [Double] = [], dry: [Double] = []
    var stages: [(String, Double)] = []
    for _ in 0..<max(pairs, 1) {
        settle()
        plain.append(runProcess(policy).wall)
        try copyHistory(cached: true)
        settle()
        let remembered = runProcess(policy, extra: ["--history", daily])
        warm.append(remembered.wall)
        stages = remembered.stages
        try copyHistory(cached: false)
        settle()
        cold.append(runProcess(policy, extra: ["--history", daily]).wall)
        settle()
        dry.append(runProcess(policy, extra: ["--history", history, "--dry-run"]).wall)
    }
    try? FileManager.default.removeItem(atPath: history)
    try? FileManager.default.removeItem(atPath: daily)
    printPairs("--history with \(historyDays) days, a new day, the history in the system's cache, \(max(pairs, 1)) interleaved pairs:",
               without: plain, with: warm)
    printPairs("--history with \(historyDays) days, a new day, the history read from the disk:", without: plain, with: cold)
    printPairs("--history with \(historyDays) days, --dry-run:", without: plain, with: dry)
    print("stages of the last new day's run with the history cached:")
    for (name, seconds) in stages {
        print(String(format: "  %-14@ %.3f s", name as NSString, seconds))
    }
}

if !keep {
    if file == nil { try? FileManager.default.removeItem(atPath: input) }
    try? FileManager.default.removeItem(atPath: output)
}
