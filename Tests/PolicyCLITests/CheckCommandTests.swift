import Foundation
import Testing
@testable import PolicyCLI

/// `policy check`: errors, warnings, the summary line and exit codes.
struct CheckCommandTests {
    static let schema = """
        customer {
          id     text key
          spend  money
          orders int
          score  int?
        }

        """

    static let clean = schema + """
        segment tier {
          Gold   when spend >= 1000
          Silver otherwise
        }
        rule "gold" when tier = Gold and (score ?? 0) >= 0 and orders > 0 then discount 10%
        """

    static let warned = schema + """
        segment tier {
          Gold     when spend >= 500
          Platinum when spend >= 1000
          Silver   otherwise
        }
        rule "loyal" when orders >= 10 then discount 10%
        rule "happy" when score >= 4 then discount 5%
        """

    @Test func aCleanPolicyIsOkWithoutWarnings() {
        withFiles(["p.policy": Self.clean]) { dir in
            let path = dir.appendingPathComponent("p.policy").path
            let outcome = policy(["check", path])
            #expect(outcome.code == 0)
            #expect(outcome.stderr == "")
            #expect(outcome.stdout == "\(path): ok (4 fields, 0 lets, 1 segment, 1 rule, 0 tests)\n")
        }
    }

    @Test func warningsArePrintedAndCountedButDoNotFail() {
        withFiles(["p.policy": Self.warned]) { dir in
            let path = dir.appendingPathComponent("p.policy").path
            let outcome = policy(["check", path])
            #expect(outcome.code == 0)
            #expect(outcome.stdout == "\(path): ok (4 fields, 0 lets, 1 segment, 2 rules, 0 tests), 3 warnings\n")
            let headers = outcome.stderr.split(separator: "\n").filter { $0.hasPrefix(path) }
                .map { String($0.dropFirst(path.count)) }
            #expect(headers == [
                ":9:3: warning: the label `Platinum` of segment `tier` is never chosen: every customer it matches already gets `Gold` [W0101]",
                ":13:6: warning: rules \"loyal\" and \"happy\" can both give one customer a discount [W0102]",
                ":13:6: warning: customers with an empty `score` never get rule \"happy\" [W0104]",
            ])
            #expect(outcome.stderr.contains("= help: the first label that matches wins; move `Platinum` above `Gold`, or narrow that condition"))
            #expect(outcome.stderr.contains("= help: if that is intended, say so: `score is not none and ...`; otherwise give a default: `score ?? 0`"))
        }
    }

    @Test func conditionsThatNeverHoldAreSaidSoNotBlamedOnOthers() {
        let source = Self.schema + """
            segment tier {
              Gold when spend >= 1000
              Bad  when spend >= 100 and spend < 50
              Rest otherwise
            }
            rule "mid" when spend >= 100 and spend < 50 and orders > 0 and score is none then discount 5%
            """
        withFiles(["p.policy": source]) { dir in
            let path = dir.appendingPathComponent("p.policy").path
            let outcome = policy(["check", path])
            #expect(outcome.code == 0)
            let headers = outcome.stderr.split(separator: "\n").filter { $0.hasPrefix(path) }
                .map { String($0.dropFirst(path.count)) }
            #expect(headers == [
                ":9:3: warning: the label `Bad` of segment `tier` can never be given: its condition `spend >= 100 and spend < 50` never holds [W0101]",
                ":12:6: warning: rule \"mid\" can never fire: its condition `spend >= 100 and spend < 50 and orders > 0 and score is none` never holds [W0105]",
            ])
            #expect(outcome.stderr.contains("= help: no customer can meet every part of it at once"))
        }
    }

    @Test func warningsAsErrorsFails() {
        withFiles(["p.policy": Self.warned]) { dir in
            let path = dir.appendingPathComponent("p.policy").path
            let outcome = policy(["check", path, "--warnings-as-errors"])
            #expect(outcome.code == 2)
            #expect(outcome.stdout == "")
            #expect(outcome.stderr.hasSuffix("error: `\(path)` has 3 warnings, and --warnings-as-errors makes them errors\n"))
        }
    }

    @Test func warningsAsErrorsOnACleanPolicyIsOk() {
        withFiles(["p.policy": Self.clean]) { dir in
            let outcome = policy(["check", dir.appendingPathComponent("p.policy").path, "--warnings-as-errors"])
            #expect(outcome.code == 0)
            #expect(outcome.stderr == "")
        }
    }

    @Test func errorsStillExitWith2AndNoWarningsAreGuessed() {
        withFiles(["p.policy": Self.schema + "rule \"r\" when totl > 1 then discount 5%\n"]) { dir in
            let outcome = policy(["check", dir.appendingPathComponent("p.policy").path])
            #expect(outcome.code == 2)
            #expect(outcome.stdout == "")
            #expect(outcome.stderr.contains("error: unknown name `totl`"))
            #expect(!outcome.stderr.contains("warning:"))
        }
    }

    @Test func aMissingColumnIsStillAnError() {
        withFiles(["p.policy": Self.clean, "c.csv": "id,spend,score\n1,5,\n"]) { dir in
            let outcome = policy(["check", dir.appendingPathComponent("p.policy").path,
                                  "--customers", dir.appendingPathComponent("c.csv").path])
            #expect(outcome.code == 2)
            #expect(outcome.stderr.contains("[E0501]"))
        }
    }

    @Test func allowedWarningsAreCountedAndDoNotFail() {
        let allowed = Self.schema + """
            segment tier {
              Gold     when spend >= 500
              # policy: allow W0101 because Platinum is being retired
              Platinum when spend >= 1000
              Silver   otherwise
            }
            rule "loyal" when orders >= 10 then discount 10%
            # policy: allow W0102, W0104
            rule "happy" when score >= 4 then discount 5%
            """
        withFiles(["p.policy": allowed]) { dir in
            let path = dir.appendingPathComponent("p.policy").path
            let outcome = policy(["check", path, "--warnings-as-errors"])
            #expect(outcome.code == 0)
            #expect(outcome.stderr == "")
            #expect(outcome.stdout == "\(path): ok (4 fields, 0 lets, 1 segment, 2 rules, 0 tests), 3 warnings allowed\n")
        }
        withFiles(["p.policy": allowed.replacingOccurrences(of: "W0102, W0104", with: "W0102")]) { dir in
            let path = dir.appendingPathComponent("p.policy").path
            let outcome = policy(["check", path])
            #expect(outcome.stdout == "\(path): ok (4 fields, 0 lets, 1 segment, 2 rules, 0 tests), 1 warning, 2 allowed\n")
            #expect(outcome.stderr.contains("warning: customers with an empty `score` never get rule \"happy\" [W0104]"))
        }
    }

    @Test func anAllowThatSilencesNothingFailsWithWarningsAsErrors() {
        withFiles(["p.policy": Self.clean.replacingOccurrences(of: "segment tier {", with: "# policy: allow W0101\nsegment tier {")]) { dir in
            let path = dir.appendingPathComponent("p.policy").path
            let outcome = policy(["check", path, "--warnings-as-errors"])
            #expect(outcome.code == 2)
            #expect(outcome.stderr.hasPrefix("\(path):7:17: warning: the allow of `W0101` silences nothing: there is no W0101 warning on line 8 [W0106]\n"))
        }
    }

    @Test func oneWarningIsSingular() {
        withFiles(["p.policy": Self.schema + "rule \"r\" when score > 1 and spend > 0 and orders > 0 then discount 5%\n"]) { dir in
            let outcome = policy(["check", dir.appendingPathComponent("p.policy").path])
            #expect(outcome.code == 0)
            #expect(outcome.stdout.hasSuffix("), 1 warning\n"))
        }
    }

    /// Every policy of `Rules/` and `Rules/shared/`, relative to `Rules/`.
    static let examples: [String] = ["", "shared/"].flatMap { folder in
        ((try? FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent("Rules/" + folder).path)) ?? [])
            .filter { $0.hasSuffix(".policy") }.sorted().map { folder + $0 }
    }

    @Test func thereAreExamples() {
        #expect(Self.examples.count >= 5)
    }

    /// The bundled examples raise no warning they do not mean: a meant one is allowed
    /// where it stands (`.ci/run` checks them the same way).
    @Test(arguments: examples)
    func theExamplePoliciesCheckWithoutWarnings(_ name: String) {
        let outcome = policy(["check", repositoryRoot.appendingPathComponent("Rules/\(name)").path, "--warnings-as-errors"])
        #expect(outcome.code == 0)
        #expect(outcome.stderr == "")
        #expect(outcome.stdout.contains(": ok ("))
    }
}
