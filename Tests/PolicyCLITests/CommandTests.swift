import Foundation
import Testing
@testable import PolicyCLI

struct HelpTests {
    @Test(arguments: [["--help"], ["run", "--help"], ["check", "--help"], ["test", "--help"], ["explain", "--help"], ["diff", "--help"], ["fmt", "--help"], ["version", "--help"]])
    func helpIsGeneratedFromTheDeclaredOptions(_ arguments: [String]) {
        let outcome = policy(arguments)
        #expect(outcome.code == 0)
        #expect(outcome.stderr == "")
        expectGolden(outcome.stdout, "help-" + (arguments.count == 1 ? "policy" : arguments[0]) + ".txt")
    }

    @Test func everyRunOptionOfTheSpecIsDocumentedInHelp() {
        let help = policy(["run", "--help"]).stdout
        for option in ["--customers", "--as-of", "--format", "--output", "--rejects", "--summary", "--strict", "--input-format",
                       "--suppressed"] {
            #expect(help.contains(option))
        }
    }

    @Test(arguments: [
        (["run"], "Error: missing POLICY"),
        (["run", "p.policy"], "Error: missing --customers"),
        (["run", "p.policy", "--customers"], "Error: `--customers` needs a value"),
        (["run", "p.policy", "--customers", "a.csv", "extra"], "Error: unexpected argument `extra`"),
        (["run", "p.policy", "--summary=yes", "--customers", "a.csv"], "Error: `--summary` takes no value"),
        (["check", "p.policy", "--strict"], "Error: unknown option `--strict`"),
        (["diff", "p.policy"], "Error: missing NEW"),
        (["diff", "a.policy", "b.policy", "--format", "xml"], "Error: unknown diff format `xml`"),
    ])
    func usageErrorsExitWith2(arguments: [String], firstLine: String) {
        let outcome = policy(arguments)
        #expect(outcome.code == 2)
        #expect(outcome.stderr.split(separator: "\n").first.map(String.init) == firstLine)
        #expect(outcome.stderr.contains("See 'policy \(arguments[0]) --help'"))
    }
}

/// The version is written once (`PolicyCLI.version`) and every way of asking prints it.
struct VersionTests {
    @Test(arguments: [["--version"], ["-V"], ["version"]])
    func everyWayOfAskingPrintsTheVersion(_ arguments: [String]) {
        let outcome = policy(arguments)
        #expect(outcome == Outcome(code: 0, stdout: "policy \(PolicyCLI.version)\n", stderr: ""))
    }

    @Test func helpShowsTheVersion() {
        #expect(policy(["--help"]).stdout.contains("VERSION: \(PolicyCLI.version)\n"))
    }

    @Test func theVersionIsThreeNumbers() {
        let parts = PolicyCLI.version.split(separator: ".", omittingEmptySubsequences: false)
        #expect(parts.count == 3 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) })
    }

    @Test func versionTakesNoArgument() {
        let outcome = policy(["version", "extra"])
        #expect(outcome.code == 2)
        #expect(outcome.stderr.hasPrefix("Error: unexpected argument `extra`\n"))
    }
}

struct RunFileTests {
    static let policyText = """
    customer { id text key  orders int }
    rule "Busy" when orders > 5 then tag "busy"
    """

    /// Nothing a rule produced is dropped silently: a contact on `none`, an empty or an
    /// unknown channel is not written, and neither is what `resolve` removed; both are
    /// listed with their reason, and counted.
    @Test func suppressedFileListsWhatIsNotWrittenWithItsReason() throws {
        let policyText = """
        customer { id text key  orders int  channel text? }
        rule "Welcome" when orders >= 1 then discount 10%, contact channel "welcome"
        rule "Loyal" when orders >= 5 then discount 15%
        resolve discount by best
        """
        let customers = "id,orders,channel\nA,6,email\nB,2,none\nC,1,\nD,7,fax\nE,1,sms\n"
        try withFiles(["p.policy": policyText, "c.csv": customers]) { (dir: URL) throws in
            let suppressed = dir.appendingPathComponent("suppressed.csv").path
            let outcome = policy(["run", dir.appendingPathComponent("p.policy").path, "--customers", dir.appendingPathComponent("c.csv").path,
                                  "--as-of", "2026-11-22", "--suppressed", suppressed, "--summary"])
            #expect(outcome.code == 0)
            #expect(outcome.stdout == """
            customer_id,rule,action,value,channel,due,severity,message
            A,Welcome,contact,welcome,email,2026-11-22,,
            A,Loyal,discount,15%,,,,
            B,Welcome,discount,10%,,,,
            C,Welcome,discount,10%,,,,
            D,Loyal,discount,15%,,,,
            E,Welcome,discount,10%,,,,
            E,Welcome,contact,welcome,sms,2026-11-22,,

            """)
            #expect(try String(contentsOfFile: suppressed, encoding: .utf8) == """
            customer_id,rule,action,value,channel,due,severity,message,reason
            A,Welcome,discount,10%,,,,,"resolve discount by best kept 15% from ""Loyal""\"
            B,Welcome,contact,welcome,none,2026-11-22,,,no usable channel
            C,Welcome,contact,welcome,,2026-11-22,,,no usable channel
            D,Welcome,contact,welcome,fax,2026-11-22,,,no usable channel
            D,Welcome,discount,10%,,,,,"resolve discount by best kept 15% from ""Loyal""\"

            """)
            #expect(outcome.stderr.contains("  actions not written 5\n    no usable channel 3\n    resolve discount by best 2\n"))
        }
    }

    @Test func suppressedFileMustNotBeAnotherOutput() throws {
        try withFiles(["p.policy": Self.policyText, "c.csv": "id,orders\nA,9\n"]) { (dir: URL) throws in
            let out = dir.appendingPathComponent("out.csv").path
            let outcome = policy(["run", dir.appendingPathComponent("p.policy").path, "--customers", dir.appendingPathComponent("c.csv").path,
                                  "--output", out, "--suppressed", out])
            #expect(outcome.code == 2)
            #expect(outcome.stderr.contains("`--output` and `--suppressed` name the same file"))
        }
    }

    /// Run every day with one history: each day's actions are recorded with its date;
    /// running a day again replaces that day's records; `--dry-run` records nothing;
    /// a missing file is an empty history; a file that is not one stops the run and
    /// is left as it was.
    @Test func theHistoryRecordsEachDayOnceAndIsLeftAloneWhenItCannotBeRead() throws {
        try withFiles(["p.policy": Self.policyText, "c.csv": "id,orders\n=A,9\nB,2\n\"C, Inc\",7\n"]) { (dir: URL) throws in
            let history = dir.appendingPathComponent("history.csv").path
            func run(_ day: String, _ extra: [String] = []) -> Outcome {
                policy(["run", dir.appendingPathComponent("p.policy").path, "--customers", dir.appendingPathComponent("c.csv").path,
                        "--as-of", day, "--history", history] + extra)
            }
            #expect(run("2026-11-20").code == 0)
            #expect(run("2026-11-21").code == 0)
            #expect(run("2026-11-21").code == 0)
            let expected = """
            customer_id,rule,action,value,channel,due,severity,message,as_of,occasion
            =A,Busy,tag,busy,,,,,2026-11-20,
            "C, Inc",Busy,tag,busy,,,,,2026-11-20,
            =A,Busy,tag,busy,,,,,2026-11-21,
            "C, Inc",Busy,tag,busy,,,,,2026-11-21,

            """
            #expect(try String(contentsOfFile: history, encoding: .utf8) == expected)
            let dryRun = run("2026-11-22", ["--dry-run"])
            #expect(dryRun.code == 0)
            #expect(dryRun.stdout.contains("'=A,Busy,tag,busy"))
            #expect(try String(contentsOfFile: history, encoding: .utf8) == expected)

            let broken = expected.replacingOccurrences(of: "2026-11-21,\n", with: "2026-11-31,\n")
            try broken.write(toFile: history, atomically: true, encoding: .utf8)
            let refused = run("2026-11-22")
            #expect(refused.code == 2)
            #expect(refused.stdout == "")
            #expect(refused.stderr.hasPrefix("\(history):4:22: error: `as_of` is `2026-11-31`, expected a date written YYYY-MM-DD [E0516]\n"))
            #expect(try String(contentsOfFile: history, encoding: .utf8) == broken)
        }
    }

    /// Runs `p.policy` on `c.csv` in `dir` for one day with `h.csv` as the history: the
    /// rules of the records written, and the reasons of those not written (as the CSV has them).
    static func runDay(_ day: String, in dir: URL) throws -> (written: [String], suppressed: [String]) {
        let path = { (name: String) in dir.appendingPathComponent(name).path }
        let outcome = policy(["run", path("p.policy"), "--customers", path("c.csv"), "--as-of", day,
                              "--history", path("h.csv"), "--suppressed", path("s.csv")])
        #expect(outcome.code == 0, "\(outcome.stderr)")
        let suppressed = try String(contentsOfFile: path("s.csv"), encoding: .utf8)
        return (outcome.stdout.split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[1]) },
                suppressed.split(separator: "\n").dropFirst().map {
                    String($0.split(separator: ",", maxSplits: 8, omittingEmptySubsequences: false).last!)
                })
    }

    /// `once`, `once per` and `once for` read the history: day after day, each rule acts
    /// as often as it says, and what it may not do is listed with the reason.
    @Test func onceRulesActAsOftenAsTheySayDayAfterDay() throws {
        let policyText = """
        customer { id text key  last date }
        rule "Welcome" once when true then tag "welcome"
        rule "Weekly" once per 7 days when true then contact email "weekly"
        rule "Thanks" once for last when true then contact email "thanks"
        """
        try withFiles(["p.policy": policyText, "c.csv": "id,last\nA,2026-11-19\n"]) { (dir: URL) throws in
            let path = { (name: String) in dir.appendingPathComponent(name).path }
            func run(_ day: String) throws -> (written: [String], suppressed: [String]) { try Self.runDay(day, in: dir) }
            #expect(try run("2026-11-20") == (["Welcome", "Weekly", "Thanks"], []))
            #expect(try run("2026-11-21") == ([], ["once: last sent 2026-11-20", "once per 7 days: last sent 2026-11-20",
                                                   "once for last: sent 2026-11-20 for 2026-11-19"]))
            // Seven days on, the week is over; a run skipped in between changes nothing.
            #expect(try run("2026-11-27").written == ["Weekly"])
            // A new purchase is a new occasion.
            try "id,last\nA,2026-11-27\n".write(toFile: path("c.csv"), atomically: true, encoding: .utf8)
            #expect(try run("2026-11-28").written == ["Thanks"])
            let history = try String(contentsOfFile: path("h.csv"), encoding: .utf8)
            #expect(history.contains("A,Thanks,contact,thanks,email,2026-11-20,,,2026-11-20,2026-11-19\n"))
            #expect(history.contains("A,Thanks,contact,thanks,email,2026-11-28,,,2026-11-28,2026-11-27\n"))
        }
    }

    @Test func onceTakesADurationWrittenOut() throws {
        let policyText = """
        customer { id text key }
        rule "Weekly" once per "a week" when true then tag "x"
        """
        try withFiles(["p.policy": policyText]) { (dir: URL) throws in
            let outcome = policy(["check", dir.appendingPathComponent("p.policy").path])
            #expect(outcome.code == 2)
            #expect(outcome.stderr.contains("error: `once per` takes a duration, as in once per 30 days [E0411]"))
        }
    }

    /// `limit` counts the history's actions and this run's: the earlier rule wins, the
    /// rules after `except` are neither limited nor counted, and what would pass the
    /// limit is listed with what filled it.
    @Test func limitsCountThisRunAndTheHistory() throws {
        let policyText = """
        customer { id text key }
        rule "Service" when true then contact phone "callback"
        rule "Promo" when true then contact email "promo"
        rule "Newsletter" when true then contact email "news"
        limit contact 1 per 30 days except "Service"
        """
        try withFiles(["p.policy": policyText, "c.csv": "id\nA\n"]) { (dir: URL) throws in
            func run(_ day: String) throws -> (written: [String], suppressed: [String]) { try Self.runDay(day, in: dir) }
            #expect(try run("2026-11-01") == (["Service", "Promo"], ["\"limit contact 1 per 30 days: \"\"Promo\"\" in this run\""]))
            #expect(try run("2026-11-15") == (["Service"], ["\"limit contact 1 per 30 days: \"\"Promo\"\" sent 2026-11-01\"",
                                                             "\"limit contact 1 per 30 days: \"\"Promo\"\" sent 2026-11-01\""]))
            #expect(try run("2026-12-01").written == ["Service", "Promo"])
        }
    }

    @Test(arguments: [
        ("limit contact one per 30 days", "error: a limit is a whole number of actions, as in limit contact 1 per 30 days [E0412]"),
        ("limit contact 1 per 30", "error: a limit's window is a duration written out, as in per 30 days [E0412]"),
        ("limit contact 1 per 30 days except \"Promos\"", "error: no rule is named \"Promos\" [E0412]"),
        ("limit gift 1 per 30 days", "warning: no rule gives a gift, so this limit never applies [W0107]"),
    ])
    func limitsThatCannotApplyAreReported(line: String, expected: String) throws {
        let policyText = "customer { id text key }\nrule \"Promo\" when true then contact email \"promo\"\n" + line + "\n"
        try withFiles(["p.policy": policyText]) { (dir: URL) throws in
            let outcome = policy(["check", dir.appendingPathComponent("p.policy").path])
            #expect(outcome.stderr.contains(expected), "\(outcome.stderr)")
        }
    }

    /// `last_sent`, `times_sent` and `last_contact` read the history of the customer.
    @Test func historyFunctionsReadTheHistoryOfTheCustomer() throws {
        let policyText = """
        customer { id text key }
        let last = last_sent("Promo")
        let times = times_sent("Promo", 30 days)
        rule "Promo" when last is none or days_since(last) >= 3 then contact email "promo {times} {last_contact()}"
        rule "Check" when times_sent("Promo", 7 days) >= 2 then tag "frequent"
        """
        try withFiles(["p.policy": policyText, "c.csv": "id\nA\n"]) { (dir: URL) throws in
            let path = { (name: String) in dir.appendingPathComponent(name).path }
            func run(_ day: String) -> [String] {
                let outcome = policy(["run", path("p.policy"), "--customers", path("c.csv"), "--as-of", day, "--history", path("h.csv")])
                #expect(outcome.code == 0, "\(outcome.stderr)")
                return outcome.stdout.split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[3]) }
            }
            #expect(run("2026-11-01") == ["promo 0 "])
            #expect(run("2026-11-02") == [])
            #expect(run("2026-11-04") == ["promo 1 2026-11-01"])
            #expect(run("2026-11-07") == ["promo 2 2026-11-04", "frequent"])
        }
    }

    @Test func historyFunctionsNameRulesThatExist() throws {
        let policyText = "customer { id text key }\nrule \"Promo\" when last_sent(\"Promos\") is none then tag \"x\"\n"
        try withFiles(["p.policy": policyText]) { (dir: URL) throws in
            let outcome = policy(["check", dir.appendingPathComponent("p.policy").path])
            #expect(outcome.code == 2)
            #expect(outcome.stderr.contains("error: no rule is named \"Promos\" [E0214]"))
            #expect(outcome.stderr.contains("help: did you mean \"Promo\"?"))
        }
    }

    /// Ten days of a customer-care calendar with one history, a day skipped: each
    /// customer gets each thing as often as the policy says, and the thank-you the
    /// skipped day would have sent goes out the next day.
    @Test func tenDaysWithOneHistoryAndADaySkipped() throws {
        let policyText = """
        customer { id text key  last_order_date date  birthday date?  referrals int  complaints int }
        rule "Service" when complaints > 0 then contact phone "callback"
        rule "Thank you" once for last_order_date when days_since(last_order_date) between 2 and 7 then contact email "thank_you"
        rule "Birthday" once per 1 year
          when birthday is not none and days_until(next_anniversary(birthday)) between 0 and 3
          then contact email "birthday"
        rule "Referral" once when referrals >= 3 then points 500
        limit contact 1 per 30 days except "Service"
        """
        let customers = """
        id,last_order_date,birthday,referrals,complaints
        K1,2026-11-10,1990-11-23,3,0
        K2,2026-11-10,,0,1
        K3,2026-11-22,,0,0
        K4,2026-11-17,1985-11-21,0,0

        """
        let expected: [(day: Int, written: [String])] = [
            (20, ["K1 Birthday", "K1 Referral", "K2 Service", "K4 Thank you"]),
            (21, ["K2 Service"]), (22, ["K2 Service"]), (23, ["K2 Service"]),
            // 24: no run. 25: the thank-you of K3's order of the 22nd is caught up.
            (25, ["K2 Service", "K3 Thank you"]),
            (26, ["K2 Service"]), (27, ["K2 Service"]), (28, ["K2 Service"]), (29, ["K2 Service"]),
        ]
        try withFiles(["p.policy": policyText, "c.csv": customers]) { (dir: URL) throws in
            let path = { (name: String) in dir.appendingPathComponent(name).path }
            for (day, written) in expected {
                let outcome = policy(["run", path("p.policy"), "--customers", path("c.csv"), "--as-of", "2026-11-\(day)",
                                      "--history", path("h.csv")])
                #expect(outcome.code == 0, "\(outcome.stderr)")
                let got = outcome.stdout.split(separator: "\n").dropFirst().map { line in
                    let cells = line.split(separator: ",")
                    return "\(cells[0]) \(cells[1])"
                }
                #expect(got == written, "2026-11-\(day)")
            }
            let history = try String(contentsOfFile: path("h.csv"), encoding: .utf8)
            #expect(history.split(separator: "\n").count == 1 + 4 + 3 + 2 + 4)
            #expect(history.contains("K3,Thank you,contact,thank_you,email,2026-11-25,,,2026-11-25,2026-11-22\n"))
        }
    }

    @Test func dryRunNeedsAHistory() {
        let outcome = policy(["run", "p.policy", "--customers", "c.csv", "--dry-run"])
        #expect(outcome.code == 2)
        #expect(outcome.stderr.hasPrefix("Error: `--dry-run` needs `--history FILE`"))
    }

    @Test func rejectsFileListsEveryProblemAsCSV() throws {
        try withFiles(["p.policy": Self.policyText, "c.csv": "id,orders\nA,9\nB,lots\n\"C, Inc\",\nD\n"]) { (dir: URL) throws in
            let rejects = dir.appendingPathComponent("rejects.csv").path
            let c = dir.appendingPathComponent("c.csv").path
            let outcome = policy(["run", dir.appendingPathComponent("p.policy").path, "--customers", c, "--rejects", rejects])
            #expect(outcome.code == 3)
            #expect(outcome.stdout == "customer_id,rule,action,value,channel,due,severity,message\nA,Busy,tag,busy,,,,\n")
            let written = try String(contentsOfFile: rejects, encoding: .utf8)
            #expect(written == """
            file,line,column,customer_id,field,value,expected
            \(c),3,2,B,orders,lots,a whole number
            \(c),4,2,"C, Inc",orders,,a value
            \(c),5,,D,,,"the row has 1 cells, but the header has 2"

            """)
        }
    }

    @Test func outputIsWrittenWholeToTheNamedFile() throws {
        try withFiles(["p.policy": Self.policyText, "c.csv": "id,orders\nA,9\n"]) { (dir: URL) throws in
            let out = dir.appendingPathComponent("actions.csv").path
            let outcome = policy(["run", dir.appendingPathComponent("p.policy").path, "--customers", dir.appendingPathComponent("c.csv").path, "--output", out])
            #expect(outcome == Outcome(code: 0, stdout: "", stderr: ""))
            #expect(try String(contentsOfFile: out, encoding: .utf8) == "customer_id,rule,action,value,channel,due,severity,message\nA,Busy,tag,busy,,,,\n")
            // No temporary file is left beside it.
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["actions.csv", "c.csv", "p.policy"])
        }
    }

    @Test func anOutputThatCannotBeWrittenIsAnErrorAndLeavesNothing() throws {
        try withFiles(["p.policy": Self.policyText, "c.csv": "id,orders\nA,9\n"]) { (dir: URL) throws in
            let out = dir.appendingPathComponent("no/such/folder/actions.csv").path
            let outcome = policy(["run", dir.appendingPathComponent("p.policy").path, "--customers", dir.appendingPathComponent("c.csv").path, "--output", out])
            #expect(outcome.code == 4)
            #expect(outcome.stderr.hasPrefix("error: cannot write `\(out)`: the folder"))
            #expect(outcome.stderr.contains("[E0602]"))
            #expect(!FileManager.default.fileExists(atPath: out))
        }
    }

    @Test func strictWritesNoOutputFile() throws {
        try withFiles(["p.policy": Self.policyText, "c.csv": "id,orders\nA,9\nB,x\n"]) { (dir: URL) throws in
            let out = dir.appendingPathComponent("actions.csv").path
            let outcome = policy(["run", dir.appendingPathComponent("p.policy").path, "--customers", dir.appendingPathComponent("c.csv").path,
                                  "--output", out, "--strict"])
            #expect(outcome.code == 3)
            #expect(!FileManager.default.fileExists(atPath: out))
        }
    }

    @Test func anUnreadablePolicyIsAnError() {
        let outcome = policy(["run", "/no/such.policy", "--customers", "x.csv"])
        #expect(outcome == Outcome(code: 4, stdout: "", stderr: "error: cannot read `/no/such.policy`: no such file or directory [E0601]\n"))
    }

    @Test func aFolderIsNotACustomerFile() throws {
        try withFiles(["p.policy": Self.policyText, "d.csv/x": ""]) { (dir: URL) throws in
            let outcome = policy(["run", dir.appendingPathComponent("p.policy").path, "--customers", dir.appendingPathComponent("d.csv").path])
            #expect(outcome.code == 4)
            #expect(outcome.stderr.contains("it is a folder, not a file [E0601]"))
        }
    }

    @Test(arguments: [
        ("", "the file is empty: no header row"),
        ("id,orders\nA,\"9\n", "unterminated"),
    ])
    func brokenFilesAreReportedNotCrashed(data: String, message: String) throws {
        try withFiles(["p.policy": Self.policyText, "c.csv": data]) { (dir: URL) throws in
            let outcome = policy(["run", dir.appendingPathComponent("p.policy").path, "--customers", dir.appendingPathComponent("c.csv").path])
            #expect(outcome.code == 2 || outcome.code == 3)
            #expect(outcome.stderr.contains(message))
            #expect(outcome.stderr.contains("E0507"))
        }
    }

    @Test func unknownFormatsAreUsageErrors() throws {
        try withFiles(["p.policy": Self.policyText, "c.txt": "id,orders\n"]) { (dir: URL) throws in
            let p = dir.appendingPathComponent("p.policy").path
            let c = dir.appendingPathComponent("c.txt").path
            let noExtension = policy(["run", p, "--customers", c])
            #expect(noExtension.code == 2 && noExtension.stderr.contains("cannot tell the format of"))
            let badOutput = policy(["run", p, "--customers", c, "--input-format", "csv", "--format", "xml"])
            #expect(badOutput.code == 2 && badOutput.stderr.hasPrefix("error: unknown output format `xml` [E0605]"))
        }
    }

    @Test func theWallClockIsOnlyUsedWithoutAsOf() throws {
        let text = "customer { id text key }\nrule \"Today\" when true then tag \"{today}\"\n"
        try withFiles(["p.policy": text, "c.csv": "id\nA\n"]) { (dir: URL) throws in
            let args = ["run", dir.appendingPathComponent("p.policy").path, "--customers", dir.appendingPathComponent("c.csv").path]
            #expect(policy(args).stdout.hasSuffix("A,Today,tag,2026-11-22,,,,\n"))
            #expect(policy(args + ["--as-of", "2025-01-31"]).stdout.hasSuffix("A,Today,tag,2025-01-31,,,,\n"))
        }
    }
}
