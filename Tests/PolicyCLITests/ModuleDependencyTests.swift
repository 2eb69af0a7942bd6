import Foundation
import Testing

/// Package.swift declares every package module a module imports. The build does not
/// check it: every module's interface lands in one folder, so an undeclared import
/// compiles as long as something else happened to build that module first, and then
/// breaks a clean build of one target, or a build in another order.
@Suite struct ModuleDependencyTests {
    /// A target of Package.swift: its name, the targets it names as dependencies and
    /// the folder of its sources.
    struct Target {
        var name: String
        var dependencies: Set<String>
        var folder: String
        var excluded: [String]
    }

    /// The targets of Package.swift, read from its text: `.target(`, `.testTarget(` and
    /// `.executableTarget(` calls with their `name:`, `dependencies:`, `path:` and
    /// `exclude:` arguments (plain strings: the package has no product dependencies).
    static func targets(in manifest: String) -> [Target] {
        var targets: [Target] = []
        for kind in [".target(", ".testTarget(", ".executableTarget("] {
            var rest = manifest[...]
            while let start = rest.range(of: kind) {
                let arguments = balanced(rest[start.upperBound...])
                rest = rest[start.upperBound...]
                guard let name = strings(after: "name:", in: arguments).first else { continue }
                let base = kind == ".testTarget(" ? "Tests/" : "Sources/"
                targets.append(Target(
                    name: name,
                    dependencies: Set(strings(after: "dependencies:", in: arguments)),
                    folder: strings(after: "path:", in: arguments).first ?? base + name,
                    excluded: strings(after: "exclude:", in: arguments)))
            }
        }
        return targets
    }

    /// The text up to the parenthesis that closes the one just opened.
    static func balanced(_ text: Substring) -> Substring {
        var depth = 1
        for index in text.indices {
            if text[index] == "(" { depth += 1 }
            if text[index] == ")" { depth -= 1 }
            if depth == 0 { return text[..<index] }
        }
        return text
    }

    /// The string literals of the argument `label`: one for `label: "x"`, all of them
    /// for `label: ["x", "y"]`; none when the argument is absent.
    static func strings(after label: String, in arguments: Substring) -> [String] {
        guard let found = arguments.range(of: label) else { return [] }
        var value = arguments[found.upperBound...].drop { $0 == " " || $0 == "\n" }
        if value.first == "[", let close = value.firstIndex(of: "]") {
            value = value[..<close]
        } else if let comma = value.firstIndex(where: { $0 == "," || $0 == ")" }) {
            value = value[..<comma]
        }
        return value.split(separator: "\"", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }

    /// The modules a Swift file imports: `import M`, `@testable import M`,
    /// `public import M`, `import struct M.T` — the first component of the path.
    static func imports(_ source: String) -> [String] {
        let attributes: Set<Substring> = ["@testable", "@_exported", "@_implementationOnly", "@preconcurrency",
                                          "public", "package", "internal", "fileprivate", "private"]
        let kinds: Set<Substring> = ["struct", "class", "enum", "protocol", "typealias", "func", "var", "let"]
        var modules: [String] = []
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            var words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })[...]
            while let first = words.first, attributes.contains(first) { words = words.dropFirst() }
            guard words.first == "import", words.count >= 2 else { continue }
            words = words.dropFirst()
            if let first = words.first, kinds.contains(first), words.count >= 2 { words = words.dropFirst() }
            if let path = words.first, let module = path.split(separator: ".").first { modules.append(String(module)) }
        }
        return modules
    }

    /// The Swift files of a target, relative to the repository's root.
    static func swiftFiles(of target: Target) -> [String] {
        let folder = repositoryRoot.appendingPathComponent(target.folder).path
        var files: [String] = []
        let walker = FileManager.default.enumerator(atPath: folder)
        while let path = walker?.nextObject() as? String {
            guard path.hasSuffix(".swift"),
                  !target.excluded.contains(where: { path == $0 || path.hasPrefix($0 + "/") }) else { continue }
            files.append(target.folder + "/" + path)
        }
        return files.sorted()
    }

    static let manifest = (try? String(contentsOf: repositoryRoot.appendingPathComponent("Package.swift"), encoding: .utf8)) ?? ""

    /// Guards the reading of Package.swift, so a change of its shape cannot make the
    /// check below pass by finding nothing.
    @Test func theManifestIsReadWhole() {
        let targets = Self.targets(in: Self.manifest)
        let byName = Dictionary(targets.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(targets.count == byName.count, "a target is declared twice")
        #expect(byName["PolicyValues"]?.dependencies == [])
        #expect(byName["PolicySyntax"]?.dependencies == ["PolicyValues"])
        #expect(byName["PolicySyntaxTests"]?.excluded == ["Format"])
        #expect(byName["policy-bench"]?.folder == "Sources/policy-bench")
        #expect(byName["PolicyCLITests"]?.folder == "Tests/PolicyCLITests")
        for target in targets {
            #expect(!Self.swiftFiles(of: target).isEmpty, "no Swift file found for the target \(target.name) in \(target.folder)")
        }
        #expect(Self.imports("import Foundation\n@testable import PolicyCLI\npublic import struct PolicyValues.CivilDate\n// import Nothing\n  import Indented")
                == ["Foundation", "PolicyCLI", "PolicyValues", "Indented"])
    }

    @Test func everyImportedPackageModuleIsADeclaredDependency() throws {
        let targets = Self.targets(in: Self.manifest)
        // A module's name is its target's with `-` as `_` (`policy-bench` is `policy_bench`).
        let modules = Dictionary(targets.map { ($0.name.replacingOccurrences(of: "-", with: "_"), $0.name) },
                                 uniquingKeysWith: { first, _ in first })
        for target in targets {
            for file in Self.swiftFiles(of: target) {
                let source = try String(contentsOf: repositoryRoot.appendingPathComponent(file), encoding: .utf8)
                for module in Self.imports(source) {
                    guard let imported = modules[module], imported != target.name else { continue }
                    #expect(target.dependencies.contains(imported),
                            "\(file) imports \(module), which the target \(target.name) does not declare in Package.swift")
                }
            }
        }
    }

    /// The values sit under everything and stand on the standard library alone.
    @Test func policyValuesImportsNothing() throws {
        let values = try #require(Self.targets(in: Self.manifest).first { $0.name == "PolicyValues" })
        for file in Self.swiftFiles(of: values) {
            let source = try String(contentsOf: repositoryRoot.appendingPathComponent(file), encoding: .utf8)
            for module in Self.imports(source) {
                Issue.record("\(file) imports \(module): PolicyValues imports nothing, Foundation least of all")
            }
        }
    }
}
