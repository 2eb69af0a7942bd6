import Glibc

/// Finding the files a command works on below the folders it is given.
public enum Folders {
    /// Every file named, and every `.policy` file below a named folder (sorted; hidden
    /// files and folders such as `.build` and `.git` skipped; links to folders not
    /// followed), each once, in the order given; and the paths that do not exist.
    public static func policyFiles(_ paths: [String]) -> (files: [String], missing: [String]) {
        var files: [String] = []
        var missing: [String] = []
        var seen = Set<String>()
        for path in paths {
            var info = stat()
            guard stat(path, &info) == 0 else {
                missing.append(path)
                continue
            }
            guard info.st_mode & S_IFMT == S_IFDIR else {
                if seen.insert(path).inserted { files.append(path) }
                continue
            }
            var found: [String] = []
            walk(path, relative: "", into: &found)
            // The current folder's files are named as people write them: `x.policy`, not `./x.policy`.
            let prefix = path == "." ? "" : (path.hasSuffix("/") ? path : path + "/")
            for relative in found.sorted() where seen.insert(prefix + relative).inserted {
                files.append(prefix + relative)
            }
        }
        return (files, missing)
    }

    private static func walk(_ folder: String, relative: String, into found: inout [String]) {
        guard let directory = opendir(folder) else { return }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard !name.hasPrefix(".") else { continue }
            let full = Paths.join(folder, name), inner = relative.isEmpty ? name : relative + "/" + name
            var info = stat()
            guard lstat(full, &info) == 0 else { continue }
            if info.st_mode & S_IFMT == S_IFDIR {
                walk(full, relative: inner, into: &found)
            } else if name.hasSuffix(".policy") {
                found.append(inner)
            }
        }
    }
}
