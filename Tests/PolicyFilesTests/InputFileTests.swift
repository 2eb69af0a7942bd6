import Foundation
import Glibc
import Testing
@testable import PolicyFiles

/// Reading is bounded by what the caller can hold, and fails with the system's words.
struct InputFileTests {
    static func tooLarge(_ size: Int) -> FileError {
        FileError(path: "x", action: .read, kind: .tooLarge, reason: "passed \(size)")
    }

    @Test func aFileIsReadWhole() throws {
        try withFolder { folder in
            let text = String(repeating: "line,of,text\n", count: 10_000)
            put(text, folder + "/a.csv")
            let file = try InputFile.open(folder + "/a.csv")
            #expect(file.size == text.utf8.count)
            #expect(try file.peek(5) == Array("line,".utf8))
            #expect(try file.readAll(limit: 1 << 20, tooLarge: Self.tooLarge) == Array(text.utf8))
        }
    }

    @Test func aFileLargerThanTheLimitIsRefusedBeforeItIsRead() throws {
        try withFolder { folder in
            // A sparse file: a terabyte that takes no room and would take hours to read.
            let path = folder + "/huge.csv"
            let descriptor = open(path, O_CREAT | O_WRONLY, 0o600)
            #expect(ftruncate(descriptor, 1 << 40) == 0)
            close(descriptor)
            let file = try InputFile.open(path)
            #expect(throws: Self.tooLarge(1 << 40)) { try file.readAll(limit: 1 << 30, tooLarge: Self.tooLarge) }
        }
    }

    @Test func anEndlessStreamIsRefusedOnceItPassesTheLimit() throws {
        // The feeding thread sees EPIPE when the stream is closed, not a kill by SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        let writer = ends[1]
        let feeding = Thread {
            let block = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 16)
            while block.withUnsafeBytes({ write(writer, $0.baseAddress, $0.count) }) > 0 {}
        }
        feeding.start()
        let stream = try InputFile.adopting(ends[0], name: "x")
        #expect(stream.size == nil)
        #expect(throws: FileError.self) { try stream.readAll(limit: 1 << 20, tooLarge: Self.tooLarge) }
        close(writer)
    }

    @Test func zerosAreNotText() throws {
        #expect(throws: FileError(path: "/dev/zero", action: .read, kind: .notText, reason: "it is not text: it holds NUL bytes")) {
            try InputFile.open("/dev/zero").readText(limit: 1 << 20)
        }
    }

    @Test func aNULByteAfterTheFirstBlockIsRefusedToo() throws {
        withFolder { folder in
            put(String(repeating: "rule \"a\" when true then tag \"x\"\n", count: 3_000) + "\u{0}", folder + "/p.policy")
            #expect(throws: FileError(path: folder + "/p.policy", action: .read, kind: .notText,
                                      reason: "it is not text: it holds a NUL byte at offset 96000")) {
                try InputFile.open(folder + "/p.policy").readText(limit: 1 << 20)
            }
        }
    }

    @Test func errorsUseTheSystemsWords() {
        #expect(throws: FileError(path: "/no/such.csv", action: .read, errno: ENOENT)) { try InputFile.open("/no/such.csv") }
        #expect(FileError(path: "/no/such.csv", action: .read, errno: ENOENT).message
            == "cannot read `/no/such.csv`: no such file or directory")
        #expect(throws: FileError(path: "/tmp", action: .read, kind: .folder, reason: "it is a folder, not a file")) {
            try InputFile.open("/tmp")
        }
    }

    /// A file written to while it is read is seen to have changed.
    @Test func aFileWrittenToWhileOpenHasChanged() throws {
        try withFolder { folder in
            let path = folder + "/h.csv"
            put("a\n", path)
            let file = try InputFile.open(path)
            #expect(!file.changedSinceOpened())
            let handle = try #require(FileHandle(forWritingAtPath: path))
            handle.seekToEndOfFile()
            handle.write(Data("b\n".utf8))
            try handle.close()
            #expect(file.changedSinceOpened())
        }
    }
}
