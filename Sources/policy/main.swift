import Foundation
import PolicyCLI
import PolicyFiles

// `POLICY_TIMINGS=1` prints how long each stage of a run took, on standard error.
var io = IO.process
let timings = ProcessInfo.processInfo.environment["POLICY_TIMINGS"] == "1" ? StageTimings() : nil
io.timings = timings
let code = PolicyCLI.main(Array(CommandLine.arguments.dropFirst()), io: io)
if let timings {
    let lines = timings.stages.map { String(format: "%-14@ %.3f s\n", $0.name as NSString, $0.seconds) }.joined()
    let stderr = StandardStreams.sink(2)
    stderr.write(lines)
    stderr.flush()
}
exit(code)
