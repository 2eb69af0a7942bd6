import Foundation
import PolicyCLI
import PolicyFiles

/// The `policy` benchmark:
///
///     swift run -c release policy-bench --customers 1000000
///
/// generates a deterministic customer file shaped like the reference workload
/// (unless `--file` names one), runs `policy run Rules/retail.policy` on it through
/// the same code as the command line, and prints wall time, customers per second,
/// peak memory and the time of each stage. Run it from the repository's root.

var count = 1_000_000
var file: String? = nil
var policy = "Rules/retail.policy"
var keep = false
var seed: UInt64 = 20_261_122
var arguments = Array(CommandLine.arguments.dropFirst())
while !arguments.isEmpty {
    let flag = arguments.removeFirst()
    let value = arguments.isEmpty ? "" : arguments.removeFirst()
    switch flag {
    case "--customers": count = Int(value.filter { $0 != "_" }) ?? count
    case "--file": file = value
    case "--policy": policy = value
    case "--seed": seed = UInt64(value) ?? seed
    case "--keep": keep = true; if !value.isEmpty { arguments.insert(value, at: 0) }
    default:
        let stderr = StandardStreams.sink(2)
        stderr.write("usage: policy-bench [--customers N] [--file CSV] [--policy FILE] [--seed S] [--keep]\n")
        stderr.flush()
        exit(2)
    }
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

let timings = StageTimings()
var io = IO.process
io.timings = timings
let started = DispatchTime.now().uptimeNanoseconds
let code = PolicyCLI.main(["run", policy, "--customers", input, "--as-of", "2026-11-22", "--output", output], io: io)
let wall = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9

var usage = rusage()
getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
let peakMB = Double(usage.ru_maxrss) / 1024
let records = max(0, (lineEnds(output) ?? 1) - 1)

print("policy run \(policy), exit \(code)")
print(String(format: "customers        %d", count))
print(String(format: "actions          %d", records))
print(String(format: "wall             %.3f s", wall))
print(String(format: "customers/s      %.0f", Double(count) / wall))
print(String(format: "peak memory      %.0f MB", peakMB))
for (name, seconds) in timings.stages {
    print(String(format: "  %-14@ %.3f s", name as NSString, seconds))
}
if !keep {
    if file == nil { try? FileManager.default.removeItem(atPath: input) }
    try? FileManager.default.removeItem(atPath: output)
}
