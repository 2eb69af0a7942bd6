import Foundation
import PolicySyntax

/// A policy file with every file it `use`s, parsed, and their declarations in
/// effect order: a used file's declarations stand where its `use` line stands.
public struct LoadedPolicy: Sendable {
    public var files: [PolicyFile]
    public var declarations: [Declaration]

    public init(files: [PolicyFile], declarations: [Declaration]) {
        self.files = files
        self.declarations = declarations
    }
}

/// Reads and parses a policy file and the files it `use`s (paths relative to the
/// file that uses them). A file used twice is read once; a circle of uses is an error.
public enum PolicyLoader {
    /// Why the main policy file could not be loaded at all.
    public enum Failure: Error, Sendable {
        /// The main file could not be read.
        case unreadable(path: String, reason: String)
    }

    /// Reads `path` and everything it uses; parse errors come back as diagnostics.
    public static func load(path: String) throws(Failure) -> (LoadedPolicy, DiagnosticBag) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(path: path, reason: reason(path))
        }
        return load(SourceFile(path: path, bytes: [UInt8](data)))
    }

    /// Loads from an already read main file (used by tests and standard input).
    public static func load(_ main: SourceFile) -> (LoadedPolicy, DiagnosticBag) {
        var state = State()
        state.visit(main, chain: [])
        return (LoadedPolicy(files: state.files, declarations: state.declarations), state.diagnostics)
    }

    static func reason(_ path: String) -> String {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) { return "no such file" }
        return isDirectory.boolValue ? "it is a folder" : "permission denied"
    }

    struct State {
        var files: [PolicyFile] = []
        var declarations: [Declaration] = []
        var diagnostics = DiagnosticBag()
        var seen: Set<String> = []

        mutating func visit(_ source: SourceFile, chain: [String]) {
            let key = canonical(source.path)
            seen.insert(key)
            let (file, bag) = Parser.parse(source)
            diagnostics.append(contentsOf: bag)
            files.append(file)
            for declaration in file.declarations {
                guard case .use(let path, let span) = declaration else {
                    declarations.append(declaration)
                    continue
                }
                let directory = (source.path as NSString).deletingLastPathComponent
                let full = path.hasPrefix("/") || directory.isEmpty ? path : (directory as NSString).appendingPathComponent(path)
                let fullKey = canonical(full)
                if chain.contains(fullKey) || fullKey == key {
                    diagnostics.error(.useCycle, "`\(path)` uses this file back, in a circle", at: span,
                                      help: "move the shared declarations into a third file that both use")
                    continue
                }
                if seen.contains(fullKey) { continue }
                guard let data = FileManager.default.contents(atPath: full) else {
                    diagnostics.error(.unreadableUse, "cannot read `\(path)`: \(PolicyLoader.reason(full))", at: span,
                                      help: "the path is relative to this file's folder")
                    continue
                }
                visit(SourceFile(path: full, bytes: [UInt8](data)), chain: chain + [key])
            }
        }

        func canonical(_ path: String) -> String {
            URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        }
    }
}
