import Foundation
import Testing
@testable import PolicyCLI

/// Test output with timings replaced, so it can be compared exactly.
func masked(_ text: String, _ dir: URL) -> String {
    var out = text.replacingOccurrences(of: dir.path + "/", with: "")
    while let range = out.range(of: #"\(\d+\.\d ms\)"#, options: .regularExpression) {
        out.replaceSubrange(range, with: "(… ms)")
    }
    return out
}

struct TestCommandTests {
    static let policyText = """
    customer {
      id     text key
      name   text
      spend  money
      orders int
      last   date?
    }
    let days_inactive = days_since(last)
    segment tier {
      Gold   when spend >= 5000
      Silver when spend >= 1000
      Bronze otherwise
    }
    rule "Loyalty" when tier = Gold and orders >= 10 then discount 15%
    rule "Churn"   when tier = Gold and days_inactive > 60 then alert churn_risk severity high
    resolve discount by best

    test "passes" {
      as of 2026-11-22
      customer { id: "T1", name: "Li", spend: 6000, orders: 12, last: 2026-11-01 }
      expect tier Gold
      expect discount 15%
      expect discount
      expect no alert
      expect days_inactive = 21
    }

    test "fails in every way" {
      as of 2026-11-22
      customer { id: "T1", name: "Li", spend: 6000, orders: 12, last: 2026-11-01 }
      customer { id: "T2", name: "Bo", spend: 200, orders: 1 }
      expect customer "T1" tier Silver
      expect customer "T1" discount 10%
      expect customer "T2" alert churn_risk
      expect customer "T1" days_inactive = 30
      expect customer "T2" days_inactive > 0
      expect customer "T9" tier Gold
      expect no actions
    }
    """

    /// Tests give orders inline and in files; a test without customers takes them from its orders.
    @Test func testsRunOverOrders() throws {
        let policyText = """
        orders {
          customer_id text customer
          invoice     text
          ordered_on  date
          amount      money
        }

        let spend     = sum(orders.amount)
        let frequency = distinct(orders.invoice)
        let opening   = first(orders.invoice)

        rule "big" when spend >= 100 then tag "big"
        rule "regular" when frequency >= 2 then tag "regular since {opening}"

        test "inline orders" {
          order { customer_id: "A", invoice: "1", ordered_on: 2026-10-01, amount: 60 }
          order { customer_id: "A", invoice: "2", ordered_on: 2026-11-01, amount: 50 }
          order { customer_id: "B", invoice: "3", ordered_on: 2026-11-02, amount: 10 }
          expect customer "A" tag "big"
          expect customer "A" tag "regular since 1"
          expect customer "B" no tag
        }

        test "orders file" {
          orders "o.csv"
          expect customer "A" spend = 25
          expect customer "Z" no tag
        }

        test "a wrong expectation" {
          order { customer_id: "A", invoice: "1", ordered_on: 2026-10-01, amount: 60 }
          expect tag "big"
        }
        """
        try withFiles(["t.policy": policyText, "o.csv": "customer_id,invoice,ordered_on,amount\nA,7,2026-11-01,20\nZ,8,2026-11-02,1\nA,9,2026-11-03,5\n"]) { (dir: URL) throws in
            let outcome = policy(["test", dir.appendingPathComponent("t.policy").path])
            #expect(outcome.code == 1)
            #expect(outcome.stderr == "")
            #expect(masked(outcome.stdout, dir) == """
            PASS  t.policy: inline orders  (… ms)
            PASS  t.policy: orders file  (… ms)
            FAIL  t.policy: a wrong expectation  (… ms)
                  t.policy:32:3: expect tag "big"
                    customer A: no tag; got no actions
            2 passed, 1 failed

            """)
        }
    }

    @Test func reportsPassAndEveryKindOfFailure() throws {
        try withFiles(["t.policy": Self.policyText]) { (dir: URL) throws in
            let outcome = policy(["test", dir.appendingPathComponent("t.policy").path])
            #expect(outcome.code == 1)
            #expect(outcome.stderr == "")
            #expect(masked(outcome.stdout, dir) == """
            PASS  t.policy: passes  (… ms)
            FAIL  t.policy: fails in every way  (… ms)
                  t.policy:32:3: expect customer "T1" tier Silver
                    customer T1: tier is Gold
                  t.policy:33:3: expect customer "T1" discount 10%
                    customer T1: got tier Gold; discount 15% (Loyalty)
                  t.policy:34:3: expect customer "T2" alert churn_risk
                    customer T2: no alert; got tier Bronze
                  t.policy:35:3: expect customer "T1" days_inactive = 30
                    customer T1: it was false; the left side is 21
                  t.policy:36:3: expect customer "T2" days_inactive > 0
                    customer T2: it was none (a value it uses is none); the left side is none
                  t.policy:37:3: expect customer "T9" tier Gold
                    customer T9: no tested customer has the id `T9` (the ids are `T1`, `T2`)
                  t.policy:38:3: expect no actions
                    customer T1: got tier Gold; discount 15% (Loyalty)
            1 passed, 1 failed

            """)
        }
    }

    @Test func filterVerboseAndCoverage() throws {
        try withFiles(["t.policy": Self.policyText]) { (dir: URL) throws in
            let outcome = policy(["test", dir.path, "--filter", "PASSES", "--verbose", "--coverage", "--min-coverage", "80"])
            #expect(outcome.code == 1)
            #expect(masked(outcome.stdout, dir) == """
            PASS  t.policy: passes  (… ms)
                  ok   expect tier Gold
                  ok   expect discount 15%
                  ok   expect discount
                  ok   expect no alert
                  ok   expect days_inactive = 21
            coverage:
              t.policy: 40% (2 of 5 labels and rules reached)
                not reached: label Silver of segment tier
                not reached: label Bronze of segment tier
                not reached: rule "Churn"
                below the minimum of 80%
            1 passed, 0 failed

            """)
        }
    }

    @Test func tableDrivenCasesComeFromACustomerFile() throws {
        let text = Self.policyText.components(separatedBy: "\ntest \"passes\"")[0] + """

        test "tiers from a spreadsheet" {
          as of 2026-11-22
          customers "cases.csv"
        }
        """
        let cases = """
        id,name,spend,orders,last,expect tier,expect discount,expect alert
        A,Ann,6000,12,2026-11-01,Gold,15%,none
        B,Bob,1500,3,,Silver,none,
        C,Cy,9000,2,2026-01-01,Gold,none,churn_risk
        D,Di,100,1,,Silver,,
        """
        try withFiles(["t.policy": text, "cases.csv": cases]) { (dir: URL) throws in
            let outcome = policy(["test", dir.appendingPathComponent("t.policy").path, "--verbose"])
            #expect(outcome.code == 1)
            #expect(masked(outcome.stdout, dir) == """
            FAIL  t.policy: tiers from a spreadsheet  (… ms)
                  ok   A: expect tier Gold
                  ok   A: expect discount 15%
                  ok   A: expect alert none
                  ok   B: expect tier Silver
                  ok   B: expect discount none
                  ok   C: expect tier Gold
                  ok   C: expect discount none
                  ok   C: expect alert churn_risk
                  FAIL D: expect tier Silver
                  cases.csv:5:6: expect tier Silver
                    customer D: tier is Bronze
            0 passed, 1 failed

            """)
        }
    }

    /// A spreadsheet saved as UTF-16 (with a byte order mark) keeps its `expect` columns.
    @Test func tableDrivenCasesReadUTF16() throws {
        let text = Self.policyText.components(separatedBy: "\ntest \"passes\"")[0] + """

        test "tiers from a spreadsheet" {
          as of 2026-11-22
          customers "cases.csv"
        }
        """
        let cases = "id,name,spend,orders,last,expect tier\nA,Ann,6000,12,2026-11-01,Gold\nD,Dï,100,1,,Silver\n"
        try withFiles(["t.policy": text]) { (dir: URL) throws in
            let utf16: [UInt8] = [0xFF, 0xFE] + cases.utf16.flatMap { unit -> [UInt8] in [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
            try Data(utf16).write(to: dir.appendingPathComponent("cases.csv"))
            let outcome = policy(["test", dir.appendingPathComponent("t.policy").path])
            #expect(outcome.code == 1)
            #expect(masked(outcome.stdout, dir).contains("cases.csv:3:6: expect tier Silver\n        customer D: tier is Bronze"))
        }
    }

    @Test(arguments: [
        ("test \"t\" { as of 2026-11-22\n customers \"nowhere.csv\"\n expect no actions }", "error: cannot read the customer file `nowhere.csv`"),
        ("test \"t\" { as of 2026-11-22\n customer { id: \"A\", name: \"x\", spend: 1, orders: 1 } }", "error: this test expects nothing"),
    ])
    func testsThatCannotRunFail(block: String, message: String) throws {
        let text = Self.policyText.components(separatedBy: "\ntest \"passes\"")[0] + "\n" + block
        try withFiles(["t.policy": text]) { (dir: URL) throws in
            let outcome = policy(["test", dir.appendingPathComponent("t.policy").path])
            #expect(outcome.code == 1)
            #expect(outcome.stdout.contains(message))
            #expect(outcome.stdout.hasSuffix("0 passed, 1 failed\n"))
        }
    }

    @Test func policyErrorsExitWith2() throws {
        try withFiles(["t.policy": "customer { id text key }\ntest \"t\" { expect tier Gold }\n"]) { (dir: URL) throws in
            let outcome = policy(["test", dir.path])
            #expect(outcome.code == 2)
            #expect(outcome.stderr.contains("E0201"))
        }
    }

    @Test func usageErrors() {
        let bad = policy(["test", "--min-coverage", "120"])
        #expect(bad.code == 2 && bad.stderr.hasPrefix("Error: `--min-coverage` takes a percentage from 0 to 100, not `120`"))
        let missing = policy(["test", "/no/such/folder"])
        #expect(missing.code == 2)
        #expect(missing.stderr == "error: cannot read `/no/such/folder`: no such file or folder [E0601]\n")
        #expect(missing.stdout == "0 passed, 0 failed\n")
    }

    @Test func theExamplePoliciesPassWithFullCoverage() {
        let outcome = policy(["test", repositoryRoot.appendingPathComponent("Rules").path, "--min-coverage", "100"])
        #expect(outcome.code == 0, "\(outcome.stdout)\(outcome.stderr)")
    }
}

/// Tests that state the history: `sent { ... }` records, and `expect suppressed`.
struct TestHistoryTests {
    static let policyText = #"""
customer {
  id   text key
  last date
}

rule "Birthday" once per 1 year
  when true
  then contact email "birthday_wishes"

rule "Thanks" once for last
  when true
  then contact sms "thanks"

test "no birthday greeting twice in a year" {
  as of 2026-11-22
  customer { id: "T1", last: 2026-11-20 }
  customer { id: "T2", last: 2026-11-20 }
  sent { customer: "T1", rule: "Birthday", as_of: 2026-11-20 }
  sent { customer: "T1", rule: "Thanks", as_of: 2026-11-21, occasion: 2026-11-20 }
  expect customer "T1" suppressed contact "birthday_wishes"
  expect customer "T1" contact "thanks"
  expect customer "T2" contact "birthday_wishes"
  expect customer "T2" no discount
}

test "the thanks of a new purchase goes out" {
  as of 2026-11-22
  customer { id: "T1", last: 2026-11-21 }
  sent { customer: "T1", rule: "Thanks", as_of: 2026-11-21, occasion: 2026-11-20 }
  sent { customer: "T1", rule: "Birthday", as_of: 2025-11-22 }
  expect contact "thanks"
  expect contact "birthday_wishes"
}
"""#

    @Test func sentRecordsAreTheHistoryATestRunsWith() throws {
        try withFiles(["p.policy": Self.policyText]) { (dir: URL) throws in
            let outcome = policy(["test", dir.appendingPathComponent("p.policy").path])
            #expect(outcome.code == 1)
            #expect(outcome.stdout.contains("p.policy:21:3: expect customer \"T1\" contact \"thanks\"\n"))
            #expect(outcome.stdout.contains("customer T1: it was not written: once for last: sent 2026-11-21 for 2026-11-20\n"))
            #expect(outcome.stdout.contains("PASS  \(dir.appendingPathComponent("p.policy").path): the thanks of a new purchase goes out"))
            #expect(outcome.stdout.hasSuffix("1 passed, 1 failed\n"))
        }
    }

    @Test func aSentRecordNamesItsCustomerRuleAndDate() throws {
        let text = """
        customer { id text key }
        rule "Promo" when true then tag "x"
        test "t" {
          customer { id: "T1" }
          sent { customer: "T1", rule: "Promos", as_of: 2026-11-20 }
          sent { customer: "T1", rule: "Promo" }
          sent { customer: "T1", rule: "Promo", as_of: 2026-11-20, chanel: email }
          expect tag "x"
        }
        """
        try withFiles(["p.policy": text]) { (dir: URL) throws in
            let outcome = policy(["check", dir.appendingPathComponent("p.policy").path])
            #expect(outcome.code == 2)
            #expect(outcome.stderr.contains("error: no rule is named \"Promos\" [E0214]"))
            #expect(outcome.stderr.contains("error: a `sent` record names its `customer`, `rule` and `as_of` [E0410]"))
            #expect(outcome.stderr.contains("error: a `sent` record has no `chanel` [E0410]"))
            #expect(outcome.stderr.contains("did you mean `channel`?"))
        }
    }
}
