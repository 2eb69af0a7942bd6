import Glibc

/// Finding the files a command works on below the folders it is given: the one walk
/// of `policy test` and `policy fmt`.
public enum Folders {
    /// The name of the file that lists, in a folder, what a search leaves out.
    public static let ignoreFileName = ".policyignore"

    /// The largest `.policyignore` read: a list of folder names, never near this.
    static let ignoreFileLimit = 1 << 20

    /// What a search found.
    public struct Found: Sendable, Equatable {
        /// Every file named, and every `.policy` file below a named folder, each once.
        public var files: [String] = []
        /// The paths named that do not exist.
        public var missing: [String] = []
        /// `.policyignore` files that could not be read; the folder holding one was not
        /// searched, since what it must leave out is unknown.
        public var unreadable: [FileError] = []
    }

    /// Every file named, and every `.policy` file below a named folder (sorted), each
    /// once, in the order given. Below a folder, the search skips hidden files and
    /// folders (`.build`, `.git`), does not follow links to folders, and leaves out
    /// what a `.policyignore` names (`ignoreList`). A file or folder named on the
    /// command line is always used: the ignore lists apply only below it.
    public static func policyFiles(_ paths: [String]) -> Found {
        var found = Found()
        var seen = Set<String>()
        for path in paths {
            var info = stat()
            guard stat(path, &info) == 0 else {
                found.missing.append(path)
                continue
            }
            guard info.st_mode & S_IFMT == S_IFDIR else {
                if seen.insert(path).inserted { found.files.append(path) }
                continue
            }
            // The current folder's files are named as people write them: `x.policy`, not `./x.policy`.
            let prefix = path == "." ? "" : (path.hasSuffix("/") ? path : path + "/")
            var files: [String] = []
            walk(path, shown: prefix, ignored: [], into: &files, unreadable: &found.unreadable)
            for file in files.sorted() where seen.insert(file).inserted {
                found.files.append(file)
            }
        }
        return found
    }

    /// Searches `folder`; `shown` is its name in paths printed (empty or ending in `/`),
    /// `ignored` what the ignore lists of the folders above leave out of it, as paths
    /// relative to it.
    private static func walk(_ folder: String, shown: String, ignored: Set<String>,
                             into found: inout [String], unreadable: inout [FileError]) {
        var ignored = ignored
        let ignoreFile = Paths.join(folder, ignoreFileName)
        var info = stat()
        let status = stat(ignoreFile, &info), statError = errno
        if status == 0 || statError != ENOENT {
            do throws(FileError) {
                guard status == 0 else { throw FileError(path: ignoreFile, action: .read, errno: statError) }
                // Only a regular file (or a folder, refused by name): opening a named
                // pipe would wait for a writer that may never come.
                let type = info.st_mode & S_IFMT
                guard type == S_IFREG || type == S_IFDIR else {
                    throw FileError(path: ignoreFile, action: .read, kind: .system(EINVAL), reason: "it is not a regular file")
                }
                let bytes = try InputFile.open(ignoreFile).readText(limit: ignoreFileLimit)
                ignored.formUnion(ignoreList(String(decoding: bytes, as: UTF8.self)))
            } catch {
                var named = error
                named.path = shown + ignoreFileName
                named.help = named.help ?? "the folder that holds it was not searched: make it readable, or remove it"
                unreadable.append(named)
                return
            }
        }
        guard let directory = opendir(folder) else { return }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard !name.hasPrefix("."), !ignored.contains(name) else { continue }
            let full = Paths.join(folder, name)
            var info = stat()
            guard lstat(full, &info) == 0 else { continue }
            if info.st_mode & S_IFMT == S_IFDIR {
                let inner = name + "/"
                let below = Set(ignored.filter { $0.hasPrefix(inner) }.map { String($0.dropFirst(inner.count)) })
                walk(full, shown: shown + inner, ignored: below, into: &found, unreadable: &unreadable)
            } else if name.hasSuffix(".policy") {
                found.append(shown + name)
            }
        }
    }

    /// The paths a `.policyignore` names, relative to its folder: one a line, a folder
    /// or a file, written as found (no patterns); `#` starts a comment line; a leading
    /// `./` or `/` and a trailing `/` are dropped. A path that leaves the folder (`..`)
    /// names nothing.
    public static func ignoreList(_ text: String) -> Set<String> {
        var paths = Set<String>()
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingBlanks
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { continue }
            let parts = trimmed.split(separator: "/").filter { $0 != "." }
            guard !parts.isEmpty, !parts.contains("..") else { continue }
            paths.insert(parts.joined(separator: "/"))
        }
        return paths
    }
}

private extension Substring {
    /// Without the spaces and tabs around it.
    var trimmingBlanks: Substring {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !blank($0) }), let last = lastIndex(where: { !blank($0) }) else { return "" }
        return self[first...last]
    }
}
