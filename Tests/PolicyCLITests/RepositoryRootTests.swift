import Foundation
import Testing

/// `policy test` and `policy fmt` without a path, run in the repository's root, leave
/// its test fixtures alone (they are broken or unformatted on purpose): the root's
/// `.policyignore` names them. Proven on a copy, since `fmt` rewrites what it finds.
@Suite(.serialized)
struct RepositoryRootTests {
    /// A copy of the repository's working files: everything but hidden entries (`.git`,
    /// `.build`, which the search skips anyway), and the `.policyignore`.
    func withRepositoryCopy<R>(_ body: (String) throws -> R) throws -> R {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("policy-root-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: copy) }
        for name in try FileManager.default.contentsOfDirectory(atPath: repositoryRoot.path)
        where !name.hasPrefix(".") || name == ".policyignore" {
            try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent(name), to: copy.appendingPathComponent(name))
        }
        return try body(copy.path)
    }

    /// Every `.policy` file below `folder` and its bytes.
    func policies(_ folder: String) -> [String: Data] {
        var found: [String: Data] = [:]
        let walker = FileManager.default.enumerator(atPath: folder)
        while let path = walker?.nextObject() as? String {
            if path.hasSuffix(".policy") { found[path] = FileManager.default.contents(atPath: folder + "/" + path) }
        }
        return found
    }

    @Test func fmtAndTestInTheRootLeaveTheFixturesAlone() throws {
        try withRepositoryCopy { root in
            let before = policies(root)
            #expect(before.keys.contains { $0.hasPrefix("Tests/") } && before.keys.contains { $0.hasPrefix("Fuzz/Corpus/") })

            let fmt = try shell("$POLICY fmt", in: root)
            #expect(fmt.code == 0)
            #expect(fmt.stdout == "")
            #expect(fmt.stderr == "")
            #expect(policies(root) == before, "policy fmt changed files")

            let test = try shell("$POLICY test", in: root)
            #expect(test.code == 0, "\(test.stdout)\(test.stderr)")
            #expect(test.stderr == "")
            #expect(test.stdout.hasSuffix(" passed, 0 failed\n"))
            #expect(!test.stdout.contains("Tests/") && !test.stdout.contains("Fuzz/"))
        }
    }

    @Test func withoutThePolicyignoreTheyWouldNot() throws {
        try withRepositoryCopy { root in
            try FileManager.default.removeItem(atPath: root + "/.policyignore")
            let fmt = try shell("$POLICY fmt --check", in: root)
            #expect(fmt.stdout.contains("would reformat Tests/"))
            #expect(fmt.code != 0)
            #expect(try shell("$POLICY test", in: root).code != 0)
        }
    }
}
