import Testing
import PolicySyntax
@testable import PolicySemantics

struct CheckerRobustnessTests {
    /// Random declarations over the real schema: whatever they say, checking ends
    /// with a policy or with errors, never a crash.
    @Test func randomPoliciesNeverCrashTheChecker() {
        var state: UInt64 = 99
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        let atoms = ["orders", "total_spend", "email", "birthday", "last_order_date", "opt_in", "name", "1", "2.5", "15%",
                     "\"x\"", "2026-01-01", "3 days", "none", "true", "today", "tier", "Gold", "x", "y", "count()",
                     "percent_rank(total_spend)", "mean(orders)", "days_since(birthday)"]
        let ops = ["+", "-", "*", "/", "=", "!=", "<", ">=", "and", "or", "??"]
        func expression(_ depth: Int) -> String {
            if depth == 0 || next(3) == 0 { return atoms[next(atoms.count)] }
            switch next(5) {
            case 0: return "not (\(expression(depth - 1)))"
            case 1: return "\(expression(depth - 1)) between \(expression(depth - 1)) and \(expression(depth - 1))"
            case 2: return "\(expression(depth - 1)) in [\(expression(depth - 1)), \(expression(depth - 1))]"
            default: return "(\(expression(depth - 1)) \(ops[next(ops.count)]) \(expression(depth - 1)))"
            }
        }
        for _ in 0..<500 {
            var text = "let x = \(expression(4))\nlet y = \(expression(3))\n"
            text += "segment tier { Gold when \(expression(3))  Silver otherwise }\n"
            text += "rule \"r\" when \(expression(4)) then discount \(expression(2)), contact opt_in \(expression(1))\n"
            let (loaded, _) = PolicyLoader.load(SourceFile(path: "fuzz.policy", text: schemaBlock + text))
            _ = Checker.check(loaded)
        }
    }
}
