import Foundation
import Testing
@testable import PolicySyntax

let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The production names of `Grammar/policy.ebnf`.
func grammarProductions() throws -> Set<String> {
    let text = try String(contentsOf: repository.appendingPathComponent("Grammar/policy.ebnf"), encoding: .utf8)
    var names = Set<String>()
    for line in text.split(separator: "\n") {
        let parts = line.split(separator: "=", maxSplits: 1)
        guard parts.count == 2 else { continue }
        let name = parts[0].trimmingCharacters(in: .whitespaces)
        if !name.isEmpty, name.allSatisfy({ $0.isLetter || $0 == "_" }), name.first!.isLowercase { names.insert(name) }
    }
    return names
}

/// `parseFieldBlock` -> `field_block`, for every parse method of the parser.
func parserMethods() throws -> Set<String> {
    let folder = repository.appendingPathComponent("Sources/PolicySyntax/Parser")
    var names = Set<String>()
    for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
        let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
        for line in text.split(separator: "\n") {
            guard let range = line.range(of: "func parse"), let open = line[range.upperBound...].firstIndex(of: "(") else { continue }
            let camel = String(line[range.upperBound..<open])
            guard let first = camel.first else { continue }
            var snake = String(first).lowercased()
            for c in camel.dropFirst() { snake += c.isUppercase ? "_" + c.lowercased() : String(c) }
            names.insert(snake)
        }
    }
    return names
}

/// Every ```policy block of a Markdown file.
func policyBlocks(_ url: URL) throws -> [(line: Int, text: String)] {
    let text = try String(contentsOf: url, encoding: .utf8)
    var blocks: [(Int, String)] = []
    var current: [Substring]? = nil
    var start = 0
    for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        if current == nil, line.trimmingCharacters(in: .whitespaces) == "```policy" {
            current = []
            start = number + 2
        } else if current != nil, line.trimmingCharacters(in: .whitespaces) == "```" {
            blocks.append((start, current!.joined(separator: "\n")))
            current = nil
        } else {
            current?.append(line)
        }
    }
    return blocks
}

func files(under folder: String, ending suffix: String) -> [URL] {
    let root = repository.appendingPathComponent(folder)
    let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
    return (walker?.allObjects as? [URL] ?? []).filter { $0.path.hasSuffix(suffix) }.sorted { $0.path < $1.path }
}

struct GrammarTests {
    /// Productions written inline in the parser (keywords, small alternatives) or
    /// read by the lexer; all the others are parser methods of the same name.
    static let inlineOrLexical: Set<String> = [
        "type_name", "field_modifier", "segment_case", "test_item", "action_kind", "compare_op", "duration_unit",
        "word", "number", "digits", "percent", "date", "string", "escape", "interpolation",
    ]

    @Test func everyParserMethodIsAProductionAndBack() throws {
        let productions = try grammarProductions()
        let methods = try parserMethods().subtracting([""])
        #expect(methods.subtracting(productions).isEmpty, "parser methods missing from the grammar: \(methods.subtracting(productions).sorted())")
        let unbacked = productions.subtracting(methods).subtracting(Self.inlineOrLexical)
        #expect(unbacked.isEmpty, "grammar productions with no parser method: \(unbacked.sorted())")
    }

    @Test func everyPolicyInRulesParses() throws {
        let policies = files(under: "Rules", ending: ".policy")
        #expect(policies.count >= 5)
        for url in policies {
            let file = SourceFile(path: url.lastPathComponent, text: try String(contentsOf: url, encoding: .utf8))
            let (_, bag) = Parser.parse(file)
            #expect(bag.items.isEmpty, "\(url.lastPathComponent): \(DiagnosticRenderer().render(bag.items))")
        }
    }

    @Test func everyPolicyBlockInTheDocsParses() throws {
        var count = 0
        for url in files(under: "Docs", ending: ".md") + [repository.appendingPathComponent("README.md")] {
            for block in try policyBlocks(url) {
                count += 1
                let file = SourceFile(path: "\(url.lastPathComponent):\(block.line)", text: block.text)
                let (_, bag) = Parser.parse(file)
                #expect(bag.items.isEmpty, "\(url.lastPathComponent) block at line \(block.line): \(DiagnosticRenderer().render(bag.items))")
            }
        }
        #expect(count >= 10)
    }

    @Test func everyDiagnosticCodeIsDocumented() throws {
        let text = try String(contentsOf: repository.appendingPathComponent("Docs/Diagnostics.md"), encoding: .utf8)
        for code in DiagnosticCode.allCases {
            #expect(text.contains("### \(code.rawValue)\n"), "Docs/Diagnostics.md has no entry for \(code.rawValue)")
        }
        let documented = text.split(separator: "\n").filter { $0.hasPrefix("### E") || $0.hasPrefix("### W") }
            .map { String($0.dropFirst(4)) }
        #expect(Set(documented) == Set(DiagnosticCode.allCases.map(\.rawValue)))
    }

    @Test func codesAreUnique() {
        #expect(Set(DiagnosticCode.allCases.map(\.rawValue)).count == DiagnosticCode.allCases.count)
    }
}
