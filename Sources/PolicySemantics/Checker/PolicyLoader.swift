import Foundation
import PolicySyntax
import PolicyFiles

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
    /// The largest policy file read: far beyond any real policy (a segment of 20,000
    /// labels is under 1 MB), and a bound on what a stream posing as one can cost.
    public static let sizeLimit = 64 << 20

    /// Reads a policy file (or a file it uses) whole.
    public static func read(_ path: String) throws(FileError) -> [UInt8] {
        try InputFile.open(path).readText(limit: sizeLimit)
    }

    /// Reads `path` and everything it uses; parse errors come back as diagnostics.
    /// - Throws: the main file cannot be read (a used file is a diagnostic, at its `use`).
    public static func load(path: String) throws(FileError) -> (LoadedPolicy, DiagnosticBag) {
        load(SourceFile(path: path, bytes: try read(path)))
    }

    /// Loads from an already read main file (used by tests and standard input).
    public static func load(_ main: SourceFile) -> (LoadedPolicy, DiagnosticBag) {
        var state = State()
        state.visit(main, chain: [])
        return (LoadedPolicy(files: state.files, declarations: state.declarations), state.diagnostics)
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
                let bytes: [UInt8]
                do {
                    bytes = try PolicyLoader.read(full)
                } catch {
                    diagnostics.error(.unreadableUse, "cannot read `\(path)`: \(error.reason)", at: span,
                                      help: "the path is relative to this file's folder")
                    continue
                }
                visit(SourceFile(path: full, bytes: bytes), chain: chain + [key])
            }
        }

        func canonical(_ path: String) -> String {
            URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        }
    }
}
