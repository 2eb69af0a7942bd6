import Foundation
import Testing
import PolicySyntax
@testable import PolicySemantics

let schemaBlock = """
customer {
  id text key
  name text
  email text?
  total_spend money
  orders int
  last_order_date date?
  birthday date?
  opt_in text in ["email", "sms", "none"]
}

"""

/// Checks `source` (with the standard customer block unless it has its own) and
/// returns the errors as `line:col code message | help`.
func checkErrors(_ source: String, withSchema: Bool = true) -> [String] {
    let text = withSchema ? schemaBlock + source : source
    let file = SourceFile(path: "t.policy", text: text)
    let (loaded, parseBag) = PolicyLoader.load(file)
    let (_, bag) = Checker.check(loaded)
    var all = parseBag
    all.append(contentsOf: bag)
    let offset = withSchema ? schemaBlock.split(separator: "\n", omittingEmptySubsequences: false).count - 1 : 0
    return all.sorted.map { d in
        let (line, column) = file.location(of: d.span.start)
        return "\(line - offset):\(column) \(d.code.rawValue) \(d.message)" + (d.help.map { " | \($0)" } ?? "")
    }
}

func checked(_ source: String) -> CheckedPolicy? {
    let (loaded, _) = PolicyLoader.load(SourceFile(path: "t.policy", text: schemaBlock + source))
    return Checker.check(loaded).0
}

struct CheckerTests {
    @Test func theSpecExampleChecksClean() {
        let errors = checkErrors("""
        let days_inactive = days_since(last_order_date)
        let value_rank = percent_rank(total_spend)
        segment tier {
          Platinum when value_rank >= 95%
          Gold when total_spend >= 5000 or value_rank >= 80%
          Silver when total_spend >= 1000
          Bronze otherwise
        }
        rule "Loyalty discount" when tier in [Platinum, Gold] and orders >= 10 then discount 15%
        rule "Churn risk" when tier in [Platinum, Gold] and days_inactive > 60
          then alert churn_risk severity high "{name} has not ordered for {days_inactive} days"
        rule "Birthday" when days_until(next_anniversary(birthday)) between 0 and 7 and opt_in != "none"
          then contact opt_in "birthday_wishes"
        rule "Service" when orders > 100 then alert open_complaint severity high, contact phone "callback" within 1 day
        resolve discount by best
        test "gold" {
          as of 2026-11-22
          customer { id: "T1", name: "Li Wei", total_spend: 6000, orders: 12, last_order_date: 2026-11-01, opt_in: "email" }
          expect tier Gold
          expect discount 15%
          expect no alert
          expect days_inactive = 21
        }
        """)
        #expect(errors == [])
    }

    @Test(arguments: [
        ("let x = totl_spend", "1:9 E0201 unknown name `totl_spend` | did you mean `total_spend`?"),
        ("let x = frobnicate(orders)", "1:9 E0202 unknown function `frobnicate`"),
        ("let x = orders + name", "1:9 E0301 cannot add a whole number and text | join text with a message: \"{a}{b}\""),
        ("rule \"r\" when orders then tag \"x\"", "1:15 E0302 this condition is a whole number, not true/false | compare it with something, as in total_spend >= 1000"),
        ("let x = email = none", "1:17 E0305 comparing with `none` is always none, never true | write `x is none`"),
        ("let x = days_since(orders)", "1:20 E0304 `days_since` needs a date, not a whole number | write days_since(date)"),
        ("let x = round(total_spend)", "1:9 E0303 `round` takes 2 arguments, not 1 | write round(number, places)"),
        ("rule \"r\" when orders > 1 then discount \"big\"", "1:40 E0306 `discount` takes a percentage or an amount, as in discount 15%; this is text"),
        ("rule \"r\" when orders > 1 then contact emial \"x\"", "1:39 E0206 unknown channel `emial` | did you mean `email`?"),
        ("rule \"r\" when orders > 1 then alert a severity hihg", "1:48 E0210 unknown severity `hihg` | did you mean `high`?"),
        ("let a = b\nlet b = a", "1:5 E0205 `a` depends on itself: `a` -> `b` -> `a` | a let or segment cannot use itself, directly or through others"),
        ("let orders = 1", "1:5 E0203 `orders` is already a field | give it another name"),
        ("resolve discount by greatest", "1:21 E0405 unknown strategy `greatest` | the strategies are best, first and sum"),
        ("resolve gift by sum", "1:17 E0405 only discounts and points can be added up | use `first` or `best`"),
        ("resolve discunt by best", "1:9 E0207 unknown action kind `discunt` | did you mean `discount`?"),
        ("let x = ntile(total_spend, 0)", "1:28 E0408 the number of ntile buckets must be a whole number from 1 up | write ntile(total_spend, 5) for quintiles"),
        ("let x = if orders then 1 else 2", "1:12 E0301 `if` needs true/false, not a whole number | write a condition, as in `if total_spend > 1000 then ...`"),
        ("let x = if orders > 1 then 1 else \"two\"", "1:9 E0301 `if` gives a whole number or text | both values must be of one type; either may be `none`"),
    ])
    func errors(source: String, expected: String) {
        #expect(checkErrors(source) == [expected])
    }

    @Test func labelsAreCheckedWithDidYouMean() {
        let errors = checkErrors("""
        segment tier { Gold when orders > 10  Silver otherwise }
        rule "r" when tier = Gld then tag "x"
        rule "s" when tier in [Gold, Platnum] then tag "y"
        rule "t" when tier = "Gold" then tag "z"
        """)
        #expect(errors == [
            "2:22 E0204 `Gld` is not a label of segment `tier` | did you mean `Gold`?",
            "3:30 E0204 `Platnum` is not a label of segment `tier` | its labels are `Gold`, `Silver`",
            "4:22 E0301 a segment is compared with a label, not with text | drop the quotes: tier = Gold",
        ])
    }

    @Test func severalErrorsAreReportedInOneRun() {
        let errors = checkErrors("""
        let a = nme
        let b = orders + "x"
        rule "r" when orders then tag "x"
        """)
        #expect(errors.count == 3)
    }

    @Test func customerBlockErrors() {
        let errors = checkErrors("""
        customer {
          id text
          spend mony
          joined date "dd-MM-yyyy"
          count int = "x"
        }
        """, withSchema: false)
        #expect(errors == [
            "1:1 E0401 the customer block has no `key` field | mark the field that identifies a customer, as in `id text key`",
            "3:9 E0213 unknown type `mony` | did you mean `money`?",
            "5:15 E0307 the default `\"x\"` is not a int | the field `count` is declared as int",
        ])
    }

    @Test func withoutACustomerBlockTheFieldsMustComeFromData() {
        let errors = checkErrors("rule \"r\" when true then tag \"x\"", withSchema: false)
        #expect(errors.first?.hasPrefix("1:1 E0402 this policy has no customer block") == true)
    }

    @Test func aggregatesAreOrderedSoArgumentsComeFirst() throws {
        let policy = try #require(checked("""
        let rank = percent_rank(total_spend)
        let above = mean(rank)
        """))
        #expect(policy.aggregates.map(\.kind) == [.percentRank, .mean])
    }

    @Test func typesOfArithmetic() throws {
        let policy = try #require(checked("""
        let a = total_spend * 15%
        let b = orders + 1
        let c = orders / 2
        let d = last_order_date + 30 days
        let e = 2026-11-22 - last_order_date
        """))
        #expect(policy.lets.map(\.value.type) == [.money, .int, .number, .date, .int])
    }

    @Test func contactChannelNamesWinOverFields() throws {
        let policy = try #require(checked("rule \"r\" when true then contact email \"x\", contact opt_in \"y\""))
        guard case .fixed("email")? = policy.rules[0].actions[0].channel,
              case .dynamic? = policy.rules[0].actions[1].channel else {
            Issue.record("channels not resolved as expected")
            return
        }
    }
}

struct DeclarationCheckTests {
    @Test(arguments: [
        ("rule \"a\" when orders > 1 then tag \"x\"\nrule \"a\" when orders > 2 then tag \"y\"",
         "2:6 E0211 a rule named \"a\" already exists | rule names appear in the output, so each must be unique"),
        ("segment t { A when orders > 1  A otherwise }",
         "1:32 E0212 the label `A` is already in segment `t` | a customer gets the first label that matches; join the two conditions with `or`"),
        ("customer { x text key }", "1:1 E0403 a policy has one customer block; this is a second one | merge the fields into the first customer block"),
        ("resolve discount by best\nresolve discount by first", "2:1 E0406 discount is already resolved by an earlier line | keep one resolve line per action kind"),
        ("segment t { A otherwise  B when orders > 1 }", "1:13 E0407 `otherwise` must be the segment's last label | labels after `otherwise` could never be chosen"),
        ("test \"t\" { as of today }", "1:18 E0410 `as of` takes a date, as in as of 2026-11-22"),
        ("test \"t\" { customer { id: \"A\", name: \"N\", total_spend: 1, orders: 1, opt_in: \"sms\", emial: \"x\" } }",
         "1:85 E0201 unknown field `emial` | did you mean `email`?"),
        ("test \"t\" { customer { id: \"A\", name: \"N\", total_spend: 1, orders: \"five\", opt_in: \"sms\" } }",
         "1:67 E0307 the test value `\"five\"` is not a int | the field `orders` is declared as int"),
        ("test \"t\" { customer { id: \"A\", name: \"N\", total_spend: 1, orders: 1, opt_in: \"fax\" } }",
         "1:78 E0307 `\"fax\"` is not one of the values `opt_in` allows"),
        ("test \"t\" { customer { id: \"A\", name: \"N\" } }",
         "1:21 E0410 this test customer has no `total_spend`, `orders`, `opt_in`, which are required | give every field that has no `?` and no default"),
        ("test \"t\" { expect tier Gold }", "1:19 E0201 unknown segment `tier`"),
        ("test \"t\" { expect discount \"lots\" }", "1:28 E0410 `expect discount \"lots\"` expects a value discount never has"),
    ])
    func declarationErrors(source: String, expected: String) {
        #expect(checkErrors(source) == [expected])
    }

    @Test func keyFieldsMustBeRequired() {
        let errors = checkErrors("customer { id text? key }", withSchema: false)
        #expect(errors == ["1:12 E0409 the key field `id` cannot be optional or have a default | every customer needs its own key"])
    }
}

struct UseTests {
    func write(_ files: [String: String]) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("policy-use-\(UUID().uuidString)")
        for (name, text) in files {
            let url = dir.appendingPathComponent(name)
            try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? text.write(to: url, atomically: true, encoding: .utf8)
        }
        return dir.path
    }

    func errors(_ path: String) throws -> [String] {
        let (loaded, bag) = try PolicyLoader.load(path: path)
        return bag.sorted.map { d in
            let (line, column) = d.span.file.location(of: d.span.start)
            return "\((d.span.file.path as NSString).lastPathComponent):\(line):\(column) \(d.code.rawValue) \(d.message)"
        } + (loaded.files.isEmpty ? ["no files"] : [])
    }

    @Test func aMissingUsedFileIsReportedAtTheUseLine() throws {
        let dir = write(["main.policy": "use \"shared/none.policy\"\n"])
        #expect(try errors(dir + "/main.policy") == ["main.policy:1:1 E0208 cannot read `shared/none.policy`: no such file or directory"])
    }

    @Test func usesInACircleAreAnError() throws {
        let dir = write(["a.policy": "use \"b.policy\"\n", "b.policy": "use \"a.policy\"\n"])
        #expect(try errors(dir + "/a.policy") == ["b.policy:1:1 E0209 `a.policy` uses this file back, in a circle"])
    }

    @Test func aFileUsedTwiceIsReadOnce() throws {
        let dir = write(["a.policy": "use \"s.policy\"\nuse \"s.policy\"\n", "s.policy": "customer { id text key }\n"])
        let (loaded, bag) = try PolicyLoader.load(path: dir + "/a.policy")
        #expect(bag.items.isEmpty)
        #expect(loaded.files.count == 2)
        #expect(Checker.check(loaded).0 != nil)
    }
}
