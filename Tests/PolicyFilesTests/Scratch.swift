import Foundation
import Glibc
import Testing

/// A scratch folder for one test, removed afterwards.
func withFolder<R>(_ body: (String) throws -> R) rethrows -> R {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("policy-files-\(UUID().uuidString)").path
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

func contents(_ path: String) -> String? {
    (try? Data(contentsOf: URL(fileURLWithPath: path))).map { String(decoding: $0, as: UTF8.self) }
}

func put(_ text: String, _ path: String) {
    if !FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) {
        Issue.record("cannot create \(path)")
    }
}

func entries(_ folder: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
}

func mode(_ path: String) -> mode_t {
    var info = stat()
    stat(path, &info)
    return info.st_mode & 0o7777
}

func fileType(_ path: String) -> mode_t {
    var info = stat()
    lstat(path, &info)
    return info.st_mode & S_IFMT
}

/// Everything a FIFO gives until its writer closes it.
func drain(_ path: String) -> String {
    let descriptor = open(path, O_RDONLY)
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var block = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = block.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if n <= 0 { break }
        bytes += block[0..<n]
    }
    return String(decoding: bytes, as: UTF8.self)
}

func mkdirFolder(_ path: String) {
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
}
