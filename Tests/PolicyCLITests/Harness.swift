import Foundation
import Testing
@testable import PolicyCLI
import PolicyFiles

/// The repository's root, found from this file's path so tests run from anywhere.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let casesDirectory = repositoryRoot.appendingPathComponent("Tests/PolicyCLITests/Cases")
let goldenDirectory = repositoryRoot.appendingPathComponent("Tests/PolicyCLITests/Golden")

/// What a command printed and returned.
struct Outcome: Equatable {
    var code: Int32
    var stdout: String
    var stderr: String
}

/// Runs `policy ARGS` in-process with a fixed "today" of 2026-11-22 and no colour.
/// `memory`: the bytes the run may fill, when a test wants a small machine.
func policy(_ arguments: [String], stdin: String = "", memory: Int? = nil) -> Outcome {
    let out = ByteSink(), err = ByteSink()
    let input = Array(stdin.utf8)
    var io = IO(stdout: out, stderr: err, standardInput: { () throws(FileError) in try standardInput(holding: input) },
                colour: false, today: { (2026, 11, 22) })
    if let memory { io.availableMemory = { memory } }
    let code = PolicyCLI.main(arguments, io: io)
    return Outcome(code: code, stdout: out.text, stderr: err.text)
}

/// A stand-in for standard input holding `bytes`: an unnamed temporary file, read
/// through the same `InputFile` as the real one.
func standardInput(holding bytes: [UInt8]) throws(FileError) -> InputFile {
    var template = Array("/tmp/policy-stdin-XXXXXX".utf8CString)
    let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard descriptor >= 0 else { throw FileError(path: "standard input", action: .read, errno: errno) }
    template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
    _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    return try InputFile.adopting(descriptor, name: "standard input")
}

/// Compares `actual` with a golden file; `POLICY_RECORD=1 swift test` rewrites it.
func expectGolden(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let url = goldenDirectory.appendingPathComponent(name)
    if ProcessInfo.processInfo.environment["POLICY_RECORD"] != nil {
        try? FileManager.default.createDirectory(at: goldenDirectory, withIntermediateDirectories: true)
        try? actual.write(to: url, atomically: true, encoding: .utf8)
        return
    }
    let expected = (try? String(contentsOf: url, encoding: .utf8)) ?? "<missing golden file \(name)>"
    #expect(actual == expected, "golden \(name) differs (POLICY_RECORD=1 swift test re-records it)", sourceLocation: sourceLocation)
}

/// A scratch folder with the given files, removed after `body`.
func withFiles<R>(_ files: [String: String], _ body: (URL) throws -> R) rethrows -> R {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("policy-test-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    for (name, text) in files {
        let url = dir.appendingPathComponent(name)
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? text.write(to: url, atomically: true, encoding: .utf8)
    }
    return try body(dir)
}
