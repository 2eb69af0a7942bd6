import Foundation
import Testing
import PolicySyntax
@testable import PolicySemantics

/// Every example policy in `Rules/` checks without an error (their `use`d files included).
struct RulesCheckTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let policies = ((try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Rules").path)) ?? [])
        .filter { $0.hasSuffix(".policy") }.sorted()

    @Test func thereAreExamples() {
        #expect(Self.policies.count >= 4)
    }

    @Test(arguments: policies)
    func checksClean(_ name: String) throws {
        let (loaded, parseBag) = try PolicyLoader.load(path: Self.root.appendingPathComponent("Rules/\(name)").path)
        let (policy, bag) = Checker.check(loaded)
        #expect(!parseBag.hasErrors && !bag.hasErrors, "\(DiagnosticRenderer().render(parseBag.items + bag.items))")
        #expect(policy != nil)
    }
}
