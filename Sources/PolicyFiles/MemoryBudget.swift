import Glibc

/// How much memory this process can still use: what the system reports available,
/// or less when a control group (a container's limit) allows less.
public enum MemoryBudget {
    /// Bytes available, or nil when the system does not say.
    public static func available() -> Int? {
        available(proc: "/proc", controlGroups: "/sys/fs/cgroup")
    }

    /// The same, from the given folders (tests pass folders of their own).
    static func available(proc: String, controlGroups: String) -> Int? {
        var figures: [Int] = []
        if let meminfo = readSmallFile(proc + "/meminfo"), let kib = field("MemAvailable:", in: meminfo) {
            figures.append(kib * 1024)
        }
        if let limit = controlGroupRoom(controlGroups) { figures.append(limit) }
        return figures.min()
    }

    /// The room left under the control group's limit (version 2, then version 1).
    static func controlGroupRoom(_ root: String) -> Int? {
        let pairs = [(root + "/memory.max", root + "/memory.current"),
                     (root + "/memory/memory.limit_in_bytes", root + "/memory/memory.usage_in_bytes")]
        for (limitFile, usageFile) in pairs {
            guard let limitText = readSmallFile(limitFile) else { continue }
            // "max", or a huge figure, means no limit.
            guard let limit = Int(limitText.trimmingWhitespace), limit < 1 << 60 else { return nil }
            let usage = readSmallFile(usageFile).flatMap { Int($0.trimmingWhitespace) } ?? 0
            return max(0, limit - usage)
        }
        return nil
    }

    /// The number after `name` on its line (`MemAvailable:   24368240 kB`).
    static func field(_ name: String, in text: String) -> Int? {
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            return line.dropFirst(name.count).split(separator: " ").first.flatMap { Int($0) }
        }
        return nil
    }

    /// A file of the system's, read whole (they are a few kilobytes).
    static func readSmallFile(_ path: String) -> String? {
        guard let file = try? InputFile.open(path),
              let bytes = try? file.readAll(limit: 1 << 20, tooLarge: { _ in
                  FileError(path: path, action: .read, kind: .tooLarge, reason: "too large") }) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `12.4 GB`, `850 MB`: a size as people read it.
    public static func describe(_ bytes: Int) -> String {
        let units = [(1 << 40, "TB"), (1 << 30, "GB"), (1 << 20, "MB"), (1 << 10, "KB")]
        for (size, unit) in units where bytes >= size {
            let value = Double(bytes) / Double(size)
            let tenths = Int((value * 10).rounded())
            return tenths % 10 == 0 || value >= 100 ? "\(Int(value.rounded())) \(unit)" : "\(tenths / 10).\(tenths % 10) \(unit)"
        }
        return "\(bytes) bytes"
    }
}

extension String {
    var trimmingWhitespace: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
