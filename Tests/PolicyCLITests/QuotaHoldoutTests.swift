import Foundation
import Testing
@testable import PolicyCLI

/// Quotas, budgets and the holdout as a user meets them: who gets the actions, the
/// reasons of those who do not, the counts of `--summary`, and `policy explain`.
struct QuotaHoldoutTests {
    /// Runs `p.policy` over `c.csv`: the records written (customer, rule), the records
    /// not written (customer, rule, reason), and standard error.
    static func run(_ policyText: String, _ customers: String, _ extra: [String] = [])
        throws -> (written: [String], suppressed: [String], stderr: String) {
        try withFiles(["p.policy": policyText, "c.csv": customers]) { (dir: URL) throws in
            let path = { (name: String) in dir.appendingPathComponent(name).path }
            let outcome = policy(["run", path("p.policy"), "--customers", path("c.csv"), "--as-of", "2026-11-22",
                                  "--suppressed", path("s.csv")] + extra)
            #expect(outcome.code == 0, "\(outcome.stderr)")
            let suppressed = try String(contentsOfFile: path("s.csv"), encoding: .utf8)
            func cells(_ line: Substring) -> [Substring] { line.split(separator: ",", omittingEmptySubsequences: false) }
            return (outcome.stdout.split(separator: "\n").dropFirst().map { cells($0).prefix(2).joined(separator: " ") },
                    suppressed.split(separator: "\n").dropFirst().map { [cells($0)[0], cells($0)[1], cells($0).last!].joined(separator: " ") },
                    outcome.stderr)
        }
    }

    @Test func aQuotaServesTheFirstByItsOrderTiesInInputOrderAndNoneLast() throws {
        let text = """
        customer { id text key  clv money? }
        rule "Tea set" limit 3 by clv desc when true then gift "tea set"
        rule "Sample" limit 2 customers by clv asc when true then gift "sample"
        """
        // B and C tie at 300: B comes first in the file. E has no clv: last either way.
        let run = try Self.run(text, "id,clv\nA,100\nB,300\nC,300\nE,\nD,500\n", ["--summary"])
        #expect(run.written == ["A Sample", "B Tea set", "B Sample", "C Tea set", "D Tea set"])
        #expect(run.suppressed == ["A Tea set quota 3 reached", "C Sample quota 2 reached", "E Tea set quota 3 reached",
                                   "E Sample quota 2 reached", "D Sample quota 2 reached"])
        #expect(run.stderr.contains("  actions not written 5\n    \"Tea set\" quota 3 2\n    \"Sample\" quota 2 3\n"))
    }

    /// A budget gives the rule's amounts in its order while their running sum stays
    /// within it; the first that would pass it, and everyone after, get nothing.
    @Test func aBudgetStopsAtTheFirstAmountThatWouldPassIt() throws {
        let text = """
        customer { id text key  clv money }
        rule "Points" budget 500 by clv when clv > 0 then points clv, tag "vip"
        """
        let run = try Self.run(text, "id,clv\nA,100\nB,300\nC,250\nD,0\nE,50\n")
        // B 300, then C would make 550: C, A and E are over; D never fired.
        #expect(run.written == ["B Points", "B Points"])
        #expect(run.suppressed == ["A Points budget 500 reached", "A Points budget 500 reached", "C Points budget 500 reached",
                                   "C Points budget 500 reached", "E Points budget 500 reached", "E Points budget 500 reached"])
    }

    /// A quota counts only what the earlier steps left: a customer whose action `resolve`
    /// removed takes no place in it.
    @Test func aQuotaCountsWhatTheEarlierStepsLeft() throws {
        let text = """
        customer { id text key  clv money  vip bool }
        rule "VIP discount" when vip then discount 30%
        rule "Top discount" limit 1 by clv when true then discount 10%
        resolve discount by best
        """
        let run = try Self.run(text, "id,clv,vip\nA,900,yes\nB,500,no\n")
        #expect(run.written == ["A VIP discount", "B Top discount"])
        #expect(run.suppressed == [#"A Top discount "resolve discount by best kept 30% from ""VIP discount""""#])
    }

    /// Held-out customers keep their labels and the actions of the rules after `except`;
    /// everything else is suppressed with the reason `holdout`. With seed "s", md5 puts
    /// A at 4476 and B at 2721 (held out under 5000), C at 9592.
    @Test func heldOutCustomersKeepTheirLabelsAndTheExceptedRules() throws {
        let text = """
        customer { id text key }
        segment tier { Gold otherwise }
        rule "Offer" when true then discount 10%, alert check
        rule "Service" when true then contact email "service"
        holdout 50% seed "s" except "Service"
        """
        let run = try Self.run(text, "id\nA\nB\nC\n", ["--summary"])
        #expect(run.written == ["A tier", "A Service", "B tier", "B Service", "C tier", "C Offer", "C Offer", "C Service"])
        #expect(run.suppressed == ["A Offer holdout", "A Offer holdout", "B Offer holdout", "B Offer holdout"])
        #expect(run.stderr.contains("    holdout 4\n"))
    }

    @Test func explainShowsTheQuotaAndTheHoldout() throws {
        let text = """
        customer { id text key  clv money }
        rule "Tea set" limit 1 by clv when true then gift "tea set"
        holdout 50% seed "s"
        """
        try withFiles(["p.policy": text, "c.csv": "id,clv\nA,100\nB,300\n"]) { (dir: URL) throws in
            let path = { (name: String) in dir.appendingPathComponent(name).path }
            let a = policy(["explain", path("p.policy"), "--customers", path("c.csv"), "--id", "A", "--as-of", "2026-11-22"])
            #expect(a.stdout.contains("quota 1 reached"), "\(a.stdout)")
            let b = policy(["explain", path("p.policy"), "--customers", path("c.csv"), "--id", "B", "--as-of", "2026-11-22"])
            // B is first by clv, and held out.
            #expect(b.stdout.contains("holdout") && !b.stdout.contains("quota"), "\(b.stdout)")
        }
    }

    @Test(arguments: [
        ("rule \"R\" limit 2.5 by clv when true then tag \"x\"", "E0415", "a quota is a whole number of customers"),
        ("rule \"R\" limit 2 by true when true then tag \"x\"", "E0415", "a quota takes the customers in the order of"),
        ("rule \"R\" budget 100 by clv when true then discount 10%", "E0415", "this rule gives no amount discount and no points"),
        ("rule \"R\" budget -5 by clv when true then points 10", "E0415", "a budget is an amount written out"),
        ("rule \"R\" limit 2 clv when true then tag \"x\"", "E0107", "expected `by`"),
        ("holdout 5 seed \"s\"", "E0416", "a holdout is a percentage of the customers"),
        ("holdout 120% seed \"s\"", "E0416", "a holdout is a percentage of the customers"),
        ("holdout 5% seed \"\"", "E0416", "the seed picks who is held out, and it is empty"),
        ("holdout 5% seed \"s\" except \"Nope\"", "E0416", "no rule is named \"Nope\""),
        ("holdout 5% seed \"s\"\nholdout 5% seed \"t\"", "E0416", "a policy has one holdout; this is a second one"),
    ])
    func quotaAndHoldoutErrors(line: String, code: String, message: String) throws {
        let text = "customer { id text key  clv money }\n" + line + "\n"
        try withFiles(["p.policy": text]) { (dir: URL) throws in
            let outcome = policy(["check", dir.appendingPathComponent("p.policy").path])
            #expect(outcome.code == 2)
            #expect(outcome.stderr.contains(message) && outcome.stderr.contains("[\(code)]"), "\(outcome.stderr)")
        }
    }

    @Test(arguments: [
        ("holdout 0% seed \"s\"", "a holdout of 0% holds nobody out"),
        ("holdout 50% seed \"s\"", "a holdout of 50% keeps most actions from the customers"),
    ])
    func holdoutSharesThatDefeatThePurposeAreWarnedAbout(line: String, message: String) throws {
        let text = "customer { id text key }\nrule \"R\" when true then tag \"x\"\n" + line + "\n"
        try withFiles(["p.policy": text]) { (dir: URL) throws in
            let outcome = policy(["check", dir.appendingPathComponent("p.policy").path])
            #expect(outcome.code == 0)
            #expect(outcome.stderr.contains(message) && outcome.stderr.contains("[W0109]"), "\(outcome.stderr)")
        }
    }

    @Test func aQuotaOnARuleThatCanNeverFireIsWarnedAbout() throws {
        let text = """
        customer { id text key  clv money }
        rule "Tea set" limit 200 by clv when clv > 100 and clv < 50 then gift "tea set"
        """
        try withFiles(["p.policy": text]) { (dir: URL) throws in
            let outcome = policy(["check", dir.appendingPathComponent("p.policy").path])
            #expect(outcome.code == 0)
            #expect(outcome.stderr.contains("p.policy:2:16: warning: the quota of rule \"Tea set\" never applies: the rule can never fire [W0108]"),
                    "\(outcome.stderr)")
        }
    }

    @Test(arguments: [
        ("cumulative_share(last90 - prev90)", true),
        ("cumulative_share(-clv)", true),
        ("cumulative_share(change)", true),
        ("cumulative_share(delta)", true),
        ("cumulative_share(max(last90 - prev90, 0))", false),
        ("cumulative_share(abs(delta))", false),
        ("cumulative_share(clv)", false),
        ("cumulative_share(clv * 2 + last90)", false),
    ])
    func aCumulativeShareOfWhatCanBeNegativeIsWarnedAbout(share: String, warned: Bool) throws {
        let text = """
        customer { id text key  clv money  last90 money  prev90 money  change int in [-1, 0, 1] }
        let delta = last90 - prev90
        let share = \(share)
        rule "A" when share <= 80% and change >= 0 then tag "a"
        """
        try withFiles(["p.policy": text]) { (dir: URL) throws in
            let outcome = policy(["check", dir.appendingPathComponent("p.policy").path])
            #expect(outcome.code == 0)
            #expect(outcome.stderr.contains("[W0110]") == warned, "\(outcome.stderr)")
        }
    }
}
