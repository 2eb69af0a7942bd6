import Foundation
import PolicySyntax

/// Finds the policy files that hold `test` blocks under the given paths.
public enum TestDiscovery {
    /// Every `.policy` file named or found below a named folder (hidden folders and
    /// build folders skipped), sorted, without duplicates. Paths that do not exist
    /// are returned in `missing`.
    public static func policyFiles(_ paths: [String]) -> (files: [String], missing: [String]) {
        var files: [String] = []
        var missing: [String] = []
        for path in paths.isEmpty ? ["."] : paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                missing.append(path)
                continue
            }
            if !isDirectory.boolValue {
                files.append(path)
                continue
            }
            let enumerator = FileManager.default.enumerator(atPath: path)
            var found: [String] = []
            while let relative = enumerator?.nextObject() as? String {
                let components = relative.split(separator: "/")
                if components.contains(where: { $0.hasPrefix(".") }) { continue }
                if relative.hasSuffix(".policy") {
                    found.append(path == "." ? relative : (path.hasSuffix("/") ? path + relative : path + "/" + relative))
                }
            }
            files.append(contentsOf: found.sorted())
        }
        var seen = Set<String>()
        return (files.filter { seen.insert($0).inserted }, missing)
    }

    /// Whether a parsed file declares any test (only such files are run).
    public static func hasTests(_ file: PolicyFile) -> Bool {
        file.declarations.contains { if case .test = $0 { true } else { false } }
    }
}
