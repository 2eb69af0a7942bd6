import Foundation
import PolicyCLI

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
        FileHandle.standardError.write("usage: policy-bench [--customers N] [--file CSV] [--policy FILE] [--seed S] [--keep]\n".data(using: .utf8)!)
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
    let size = (try? FileManager.default.attributesOfItem(atPath: input)[.size] as? Int) ?? 0
    print("generated \(count) customers (\(size / 1_000_000) MB) in \(String(format: "%.2f", Date().timeIntervalSince(started))) s: \(input)")
}

if let file, let handle = FileHandle(forReadingAtPath: file) {
    // The rows of a given file (line ends less the header's): what customers/s divides.
    // Read a block at a time, so that the peak memory printed is the run's.
    var lineEnds = 0
    while let block = try? handle.read(upToCount: 1 << 20), !block.isEmpty {
        lineEnds += block.reduce(0) { $1 == 10 ? $0 + 1 : $0 }
    }
    count = max(0, lineEnds - 1)
}

let timings = StageTimings()
var io = IO.process
io.timings = timings
let started = DispatchTime.now().uptimeNanoseconds
let code = PolicyCLI.main(["run", policy, "--customers", input, "--as-of", "2026-11-22", "--output", output], io: io)
let wall = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9

var usage = rusage()
getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
let peakMB = Double(usage.ru_maxrss) / 1024
let records = max(0, ((try? String(contentsOfFile: output, encoding: .utf8))?.utf8.reduce(0) { $1 == 10 ? $0 + 1 : $0 } ?? 1) - 1)

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
