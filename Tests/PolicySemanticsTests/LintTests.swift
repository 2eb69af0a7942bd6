import Foundation
import Testing
import PolicySyntax
@testable import PolicySemantics

/// The fields every lint case may use (`spend`, `orders`, `tier`-style conditions).
let lintSchema = """
customer {
  id        text key
  spend     money
  orders    int
  vip       bool = false
  channel   text in ["email", "sms", "none"]
  birthday  date?
  last_buy  date?
  score     int?
  city      text?
}

"""

/// One lint family, run alone.
enum LintFamily: String, Sendable, CustomStringConvertible {
    case unreachable, impossible, overlapping, unused, none
    var description: String { rawValue }

    func run(_ context: LintContext, into bag: inout DiagnosticBag) {
        switch self {
        case .unreachable: UnreachableLabels.lint(context, into: &bag)
        case .impossible: ImpossibleRules.lint(context, into: &bag)
        case .overlapping: OverlappingRules.lint(context, into: &bag)
        case .unused: UnusedNames.lint(context, into: &bag)
        case .none: NoneGuards.lint(context, into: &bag)
        }
    }
}

/// Lints `source` (after the standard customer block) with one family, or all of
/// them, and returns `line:col code message` with lines counted from `source`.
func lintWarnings(_ source: String, _ family: LintFamily?) -> [String] {
    let file = SourceFile(path: "t.policy", text: lintSchema + source)
    let (loaded, parseBag) = PolicyLoader.load(file)
    let (policy, bag) = Checker.check(loaded)
    guard let policy, !parseBag.hasErrors else {
        return (parseBag.items + bag.items).map { "error \($0.code.rawValue) \($0.message)" }
    }
    var warnings = DiagnosticBag()
    if let family {
        family.run(LintContext(program: loaded, policy: policy), into: &warnings)
    } else {
        warnings = Linter.lint(loaded, policy)
    }
    let offset = lintSchema.split(separator: "\n", omittingEmptySubsequences: false).count - 1
    return warnings.sorted.map { d in
        #expect(d.severity == .warning)
        #expect(d.help != nil)
        let (line, column) = file.location(of: d.span.start)
        return "\(line - offset):\(column) \(d.code.rawValue) \(d.message)"
    }
}

struct LintCase: Sendable, CustomTestStringConvertible {
    var name: String
    var family: LintFamily
    var source: String
    var expected: [String]
    var testDescription: String { name }
}

@Suite struct LintTests {
    static let cases: [LintCase] = [
        // MARK: W0101 unreachable labels
        LintCase(name: "a higher threshold after a lower one", family: .unreachable, source: """
            segment tier {
              Gold     when spend >= 500
              Platinum when spend >= 1000
              Other    otherwise
            }
            """, expected: ["3:3 W0101 the label `Platinum` of segment `tier` is never chosen: every customer it matches already gets `Gold`"]),
        LintCase(name: "thresholds from the top down are fine", family: .unreachable, source: """
            segment tier {
              Platinum when spend >= 1000
              Gold     when spend >= 500
              Other    otherwise
            }
            """, expected: []),
        LintCase(name: "after a label that is literally true", family: .unreachable, source: """
            segment tier {
              All  when true
              Some when orders > 3
            }
            """, expected: ["3:3 W0101 the label `Some` of segment `tier` is never chosen: every customer it matches already gets `All`"]),
        LintCase(name: "a repeated condition", family: .unreachable, source: """
            segment tier {
              A when orders > 3 and vip
              B when orders > 3 and vip
            }
            """, expected: ["3:3 W0101 the label `B` of segment `tier` is never chosen: `A` above has the same condition"]),
        LintCase(name: "covered by two earlier labels together", family: .unreachable, source: """
            segment band {
              Low  when spend < 100
              High when spend >= 100
              Mid  when spend between 50 and 150
            }
            """, expected: ["4:3 W0101 the label `Mid` of segment `band` is never chosen: every customer it matches already gets `Low` and `High`"]),
        LintCase(name: "percentages compare as numbers", family: .unreachable, source: """
            let rank = percent_rank(spend)
            segment tier {
              Top when rank >= 0.8
              Elite when rank >= 95%
            }
            """, expected: ["4:3 W0101 the label `Elite` of segment `tier` is never chosen: every customer it matches already gets `Top`"]),
        LintCase(name: "an empty optional cell can still reach a later label", family: .unreachable, source: """
            segment seen {
              Recent when score >= 3
              Unknown when score is none
            }
            """, expected: []),
        LintCase(name: "a narrower label first, then an or, is fine", family: .unreachable, source: """
            segment tier {
              Big   when spend >= 5000 and orders >= 10
              Fair  when spend >= 5000 or orders >= 10
            }
            """, expected: []),
        LintCase(name: "different fields prove nothing", family: .unreachable, source: """
            segment tier {
              A when spend >= 500
              B when orders >= 1000
            }
            """, expected: []),
        LintCase(name: "a label whose own condition never holds is not covered by the one above", family: .unreachable, source: """
            segment tier {
              Gold when spend >= 1000
              Bad  when spend >= 100 and spend < 50
              Rest otherwise
            }
            """, expected: ["3:3 W0101 the label `Bad` of segment `tier` can never be given: its condition `spend >= 100 and spend < 50` never holds"]),
        LintCase(name: "the first label too can never be given", family: .unreachable, source: """
            segment tier {
              Never when channel = "email" and channel in ["sms", "none"]
              Gold  when spend >= 1000
            }
            """, expected: ["2:3 W0101 the label `Never` of segment `tier` can never be given: its condition `channel = \"email\" and channel in [\"sms\", \"none\"]` never holds"]),
        LintCase(name: "a label after an impossible one is judged by the others", family: .unreachable, source: """
            segment tier {
              Bad  when spend > 10 and spend < 5
              Low  when spend < 100
              High when spend >= 100
              Mid  when spend between 50 and 150
            }
            """, expected: [
                "2:3 W0101 the label `Bad` of segment `tier` can never be given: its condition `spend > 10 and spend < 5` never holds",
                "5:3 W0101 the label `Mid` of segment `tier` is never chosen: every customer it matches already gets `Low` and `High`",
            ]),
        LintCase(name: "many labels above are named by the first few", family: .unreachable, source: """
            segment band {
              A when spend < 10
              B when spend >= 10 and spend < 20
              C when spend >= 20 and spend < 30
              D when spend >= 30 and spend < 40
              E when spend >= 40
              F when spend >= 0
            }
            """, expected: ["7:3 W0101 the label `F` of segment `band` is never chosen: every customer it matches already gets a label above (`A`, `B`, `C`, ...)"]),
        LintCase(name: "labels that leave a complex rest are still compared one by one", family: .unreachable, source: """
            segment s {
              L0 when score <= 100 and orders > 0 and spend != 5 and (channel = "none" or birthday > 2020-01-01)
              L1 when birthday > 2020-01-01
              L2 when channel = "none" and channel != "email"
              L3 when not vip
              L4 when (channel != "none" or birthday > 2020-01-01)
              L5 when channel != "email" and score != 500
              L6 when not (orders >= 5)
              L7 when channel != "email"
              L8 when score > 5 and vip
            }
            """, expected: [
                "7:3 W0101 the label `L5` of segment `s` is never chosen: every customer it matches already gets a label above (`L0`, `L1`, `L2`, ...)",
                "9:3 W0101 the label `L7` of segment `s` is never chosen: every customer it matches already gets a label above (`L0`, `L1`, `L2`, ...)",
            ]),
        LintCase(name: "a label far below the one that covers it", family: .unreachable, source: """
            segment tier {
              Gold     when spend >= 500\n
            """ + (1...100).map { "  O\($0) when orders = \($0)\n" }.joined() + """
              Platinum when spend >= 1000
            }
            """, expected: ["103:3 W0101 the label `Platinum` of segment `tier` is never chosen: every customer it matches already gets `Gold`"]),

        // MARK: W0105 impossible rules
        LintCase(name: "a rule whose condition never holds", family: .impossible, source: """
            rule "bad" when spend >= 100 and spend < 50 then tag "x"
            rule "good" when spend >= 100 or spend < 50 then tag "y"
            """, expected: ["1:6 W0105 rule \"bad\" can never fire: its condition `spend >= 100 and spend < 50` never holds"]),
        LintCase(name: "through a let, a date range, none and a literal false", family: .impossible, source: """
            let big = spend >= 1000
            rule "small big" when big and spend <= 999.99 then tag "a"
            rule "dates" when last_buy between 2026-02-01 and 2026-01-01 then tag "b"
            rule "none" when score is none and score > 3 then tag "c"
            rule "off" when false then tag "d"
            rule "fine" when big and score is none then tag "e"
            """, expected: [
                "2:6 W0105 rule \"small big\" can never fire: its condition `big and spend <= 999.99` never holds",
                "3:6 W0105 rule \"dates\" can never fire: its condition `last_buy between 2026-02-01 and 2026-01-01` never holds",
                "4:6 W0105 rule \"none\" can never fire: its condition `score is none and score > 3` never holds",
                "5:6 W0105 rule \"off\" can never fire: its condition `false` never holds",
            ]),
        LintCase(name: "percentages and decimals are one exact scale", family: .impossible, source: """
            let rank = percent_rank(spend)
            rule "half" when rank > 50% and rank < 0.5 then tag "a"
            rule "below" when rank <= -5% and rank >= -0.050 then tag "b"
            rule "tiny" when rank > 0.00001 and rank < 0.001% then tag "c"
            """, expected: [
                "2:6 W0105 rule \"half\" can never fire: its condition `rank > 50% and rank < 0.5` never holds",
                "4:6 W0105 rule \"tiny\" can never fire: its condition `rank > 0.00001 and rank < 0.001%` never holds",
            ]),
        LintCase(name: "a condition over lines is quoted on one, without its comments", family: .impossible, source: """
            rule "split"
              when orders > 10   # many orders
                and orders < 5   # but few
              then tag "x"
            """, expected: ["1:6 W0105 rule \"split\" can never fire: its condition `orders > 10 and orders < 5` never holds"]),

        // MARK: W0102 overlapping rules
        LintCase(name: "two discounts that can both fire", family: .overlapping, source: """
            rule "loyal" when orders >= 10 then discount 10%
            rule "big" when spend >= 1000 then discount 5%
            """, expected: ["2:6 W0102 rules \"loyal\" and \"big\" can both give one customer a discount"]),
        LintCase(name: "a resolve line settles it", family: .overlapping, source: """
            rule "loyal" when orders >= 10 then discount 10%
            rule "big" when spend >= 1000 then discount 5%
            resolve discount by best
            """, expected: []),
        LintCase(name: "complementary thresholds exclude each other", family: .overlapping, source: """
            rule "few" when orders < 10 then points 10
            rule "many" when orders >= 10 then points 50
            """, expected: []),
        LintCase(name: "segment labels exclude each other", family: .overlapping, source: """
            segment tier {
              Gold   when spend >= 1000
              Silver when spend >= 100
              Bronze otherwise
            }
            rule "gold gift" when tier = Gold then gift "tea set"
            rule "silver gift" when tier in [Silver, Bronze] then gift "mug"
            """, expected: []),
        LintCase(name: "text values exclude each other", family: .overlapping, source: """
            rule "by mail" when channel = "email" then contact email "hello"
            rule "by sms" when channel = "sms" then contact sms "hello"
            """, expected: []),
        LintCase(name: "several earlier partners are all named", family: .overlapping, source: """
            rule "a" when orders > 1 then contact email "a"
            rule "b" when orders > 100 then contact email "b"
            rule "c" when vip then contact phone "c"
            """, expected: [
                "2:6 W0102 rules \"a\" and \"b\" can both give one customer a contact",
                "3:6 W0102 rule \"c\" can give one customer a contact together with rule \"a\" or \"b\"",
            ]),
        LintCase(name: "past four partners, the nearest are named", family: .overlapping, source: """
            rule "a" when orders > 1 then points 1
            rule "b" when orders > 2 then points 2
            rule "c" when orders > 3 then points 3
            rule "d" when orders > 4 then points 4
            rule "e" when orders > 5 then points 5
            rule "f" when orders > 6 then points 6
            """, expected: [
                "2:6 W0102 rules \"a\" and \"b\" can both give one customer points",
                "3:6 W0102 rule \"c\" can give one customer points together with rule \"a\" or \"b\"",
                "4:6 W0102 rule \"d\" can give one customer points together with rule \"a\", \"b\" or \"c\"",
                "5:6 W0102 rule \"e\" can give one customer points together with rule \"a\", \"b\", \"c\" or \"d\"",
                "6:6 W0102 rule \"f\" can give one customer points together with rule \"b\", \"c\", \"d\", \"e\" or others",
            ]),
        LintCase(name: "a bool and its negation exclude each other", family: .overlapping, source: """
            rule "vip" when vip then credit 60 days
            rule "other" when not vip then credit 30 days
            """, expected: []),
        LintCase(name: "alerts and tags are not compared", family: .overlapping, source: """
            rule "a" when orders > 1 then alert busy, tag "x"
            rule "b" when orders > 2 then alert busier, tag "y"
            """, expected: []),

        // MARK: W0103 unused names
        LintCase(name: "an unused let and the fields only it uses", family: .unused, source: """
            let spare = year(birthday) + score
            let used = spend * 2
            rule "r" when used > 10 and vip and channel != "none" and orders > 0 then tag "x"
            """, expected: [
                "-4:3 W0103 the field `birthday` is only used by the let `spare`, which is never used",
                "-3:3 W0103 the field `last_buy` is never used",
                "-2:3 W0103 the field `score` is only used by the let `spare`, which is never used",
                "-1:3 W0103 the field `city` is never used",
                "1:5 W0103 the let `spare` is never used",
            ]),
        LintCase(name: "messages, channels, within, tests and lets of lets all count as uses", family: .unused, source: """
            let inactive = days_since(last_buy)
            let late = inactive > 30
            rule "r" when late and vip and orders > 0
              then contact channel "hi {city}" within 2 days, tag "{birthday}"
            test "t" {
              customer { id: "1", spend: 5, orders: 1, channel: "sms" }
              expect score is none
            }
            segment s { A when spend > 0 }
            """, expected: []),

        // MARK: W0104 optional fields without a none guard
        LintCase(name: "an optional field through a let", family: .none, source: """
            let inactive = days_since(last_buy)
            rule "churn" when inactive > 60 and orders > 0 then alert churn
            """, expected: ["2:6 W0104 customers with an empty `last_buy` (through `inactive`) never get rule \"churn\""]),
        LintCase(name: "a segment label on an optional field", family: .none, source: """
            segment mood {
              Happy when score >= 4
              Other otherwise
            }
            """, expected: ["2:3 W0104 customers with an empty `score` never get the label `Happy` of segment `mood`"]),
        LintCase(name: "an explicit guard, a default, an or and a guarded let are fine", family: .none, source: """
            let inactive = days_since(last_buy)
            let known = last_buy is not none and inactive > 10
            rule "a" when birthday is not none and days_until(next_anniversary(birthday)) < 7 then tag "a"
            rule "b" when (score ?? 0) > 3 then tag "b"
            rule "c" when score > 3 or vip then tag "c"
            rule "d" when known then tag "d"
            rule "e" when not (score > 3) or orders > 1 then tag "e"
            """, expected: []),
        LintCase(name: "a field with a default is never empty", family: .none, source: """
            rule "v" when vip then tag "v"
            """, expected: []),
        LintCase(name: "a negated comparison still stops", family: .none, source: """
            rule "n" when not (score < 2) then tag "n"
            """, expected: ["1:6 W0104 customers with an empty `score` never get rule \"n\""]),
    ]

    @Test(arguments: cases) func lint(_ c: LintCase) {
        #expect(lintWarnings(c.source, c.family) == c.expected)
    }

    @Test func aCleanPolicyHasNoWarnings() {
        let source = """
            segment tier {
              Gold   when spend >= 1000
              Silver when spend >= 100
              Bronze otherwise
            }
            rule "gold" when tier = Gold and (score ?? 0) >= 0 then discount 10%
            rule "silver" when tier = Silver then discount 5%
            rule "hello" when vip and channel != "none" and orders > 0 and city is not none then contact channel "hi"
            rule "dates" when birthday is not none and last_buy is not none then tag "both"
            """
        #expect(lintWarnings(source, nil) == [])
    }

    @Test func unusedNamesOfAUsedFileAreNotReported() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try (lintSchema + "let shared_unused = spend * 2\n").write(to: dir.appendingPathComponent("shared.policy"), atomically: true, encoding: .utf8)
        let main = dir.appendingPathComponent("main.policy")
        try "use \"shared.policy\"\nlet mine = orders + 1\nrule \"r\" when spend > 0 then tag \"x\"\n"
            .write(to: main, atomically: true, encoding: .utf8)
        let (loaded, _) = try PolicyLoader.load(path: main.path)
        let policy = try #require(Checker.check(loaded).0)
        let warnings = Linter.lint(loaded, policy).sorted.filter { $0.code == .unusedName }
        #expect(warnings.map(\.message) == ["the let `mine` is never used"])
    }

    @Test func anImpossibleRuleIsSaidOnceAndOverlapsNothing() {
        let source = """
            rule "a" when orders > 10 and orders < 5 and vip and channel != "none" then discount 10%
            rule "b" when orders > 1 and vip and channel != "none" then discount 5%
            """
        #expect(lintWarnings(source, .impossible) == [
            "1:6 W0105 rule \"a\" can never fire: its condition `orders > 10 and orders < 5 and vip and channel != \"none\"` never holds",
        ])
        #expect(lintWarnings(source, .overlapping) == [])
    }

    @Test func everyLabelOfALongLadderIsJudged() {
        // `L1 when spend >= 1` takes every customer the later labels match, however
        // far below (more labels than `Conditions.window`).
        let source = "segment tier {\n" + (1...90).map { "  L\($0) when spend >= \($0)\n" }.joined() + "  Rest otherwise\n}\n"
        let warnings = lintWarnings(source, .unreachable)
        #expect(warnings.count == 89)
        #expect(warnings.last == "91:3 W0101 the label `L90` of segment `tier` is never chosen: every customer it matches already gets `L1`")
    }

    @Test func deeplySharedLetsAreAnalysedQuickly() {
        var source = "let b0 = score > 1\n"
        for i in 1...40 { source += "let b\(i) = b\(i - 1) and b\(i - 1) or not b\(i - 1)\n" }
        source += "rule \"r\" when b40 then discount 5%\nrule \"s\" when b40 then discount 6%\n"
        _ = lintWarnings(source, nil)
    }
}
