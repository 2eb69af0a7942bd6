import Foundation
import Glibc
import Testing
@testable import PolicyFiles

/// Files we write are whole or untouched, special files are written in place, links
/// are written through, modes are kept.
struct OutputFileTests {
    @Test func aNewFileGetsTheModeAnyNewFileGetsAndNoTemporaryFileIsLeft() throws {
        try withFolder { folder in
            let out = folder + "/out.csv"
            try OutputFile.write(out) { $0.write("new\n") }
            #expect(contents(out) == "new\n")
            let mask = umask(0)
            umask(mask)
            #expect(mode(out) == 0o666 & ~mask)
            #expect(entries(folder) == ["out.csv"])
        }
    }

    /// An output begun and never committed leaves the file as it was, and nothing beside it.
    @Test func anOutputBegunButNotCommittedLeavesTheFileAsItWas() throws {
        try withFolder { folder in
            let out = folder + "/history.csv"
            put("old\n", out)
            do {
                let pending = try OutputFile.begin(out)
                pending.sink.write("half of the new")
                pending.startWriteback()
                #expect(entries(folder).count == 2, "the temporary file is there while it is written")
            }
            #expect(contents(out) == "old\n")
            #expect(entries(folder) == ["history.csv"])
            let pending = try OutputFile.begin(out)
            pending.sink.write("new\n")
            pending.startWriteback()
            pending.sink.write("and more\n")
            try pending.commit()
            #expect(contents(out) == "new\nand more\n")
            #expect(entries(folder) == ["history.csv"])
        }
    }

    /// A stretch of a file copied into an output by the system is the stretch's bytes,
    /// in order with what is written around it; a memory sink gets the bytes.
    @Test func bytesThatAreAFilesAreCopiedFromItInOrder() throws {
        try withFolder { folder in
            let source = folder + "/source.csv", out = folder + "/out.csv"
            let text = (0..<20_000).map { "line \($0)\n" }.joined()
            put(text, source)
            let file = try InputFile.open(source)
            let bytes = Array(text.utf8)
            let pieces = [0..<70_000, 70_000..<70_010, 80_000..<bytes.count]
            try OutputFile.write(out) { sink in
                sink.write("header\n")
                for piece in pieces {
                    bytes.withUnsafeBufferPointer { sink.write(bytes: UnsafeBufferPointer(rebasing: $0[piece]), sameAs: file, at: piece.lowerBound) }
                }
                sink.write("tail\n")
            }
            let expected = "header\n" + pieces.map { String(decoding: bytes[$0], as: UTF8.self) }.joined() + "tail\n"
            #expect(contents(out) == expected)
            let memory = ByteSink()
            bytes.withUnsafeBufferPointer { memory.write(bytes: UnsafeBufferPointer(rebasing: $0[pieces[0]]), sameAs: file, at: 0) }
            #expect(memory.text == String(decoding: bytes[pieces[0]], as: UTF8.self))
        }
    }

    @Test func anExistingFileKeepsItsMode() throws {
        try withFolder { folder in
            let out = folder + "/secret.csv"
            put("old\n", out)
            chmod(out, 0o600)
            try OutputFile.write(out) { $0.write("new\n") }
            #expect(contents(out) == "new\n")
            #expect(mode(out) == 0o600)
        }
    }

    @Test func aSymbolicLinkIsWrittenThroughAndStaysALink() throws {
        try withFolder { folder in
            put("old\n", folder + "/target.csv")
            symlink("target.csv", folder + "/link.csv")
            try OutputFile.write(folder + "/link.csv") { $0.write("new\n") }
            #expect(fileType(folder + "/link.csv") == S_IFLNK)
            #expect(contents(folder + "/target.csv") == "new\n")
            // A link to a file that does not exist yet creates the file it points at.
            symlink("later.csv", folder + "/dangling.csv")
            try OutputFile.write(folder + "/dangling.csv") { $0.write("made\n") }
            #expect(fileType(folder + "/dangling.csv") == S_IFLNK)
            #expect(contents(folder + "/later.csv") == "made\n")
        }
    }

    @Test func aDeviceIsWrittenInPlaceNeverReplaced() throws {
        try OutputFile.write("/dev/null") { $0.write("gone\n") }
        #expect(fileType("/dev/null") == S_IFCHR)
    }

    @Test func aFIFOIsWrittenInPlace() throws {
        try withFolder { folder in
            let fifo = folder + "/pipe"
            #expect(mkfifo(fifo, 0o600) == 0)
            nonisolated(unsafe) var received = ""
            let reader = Thread { received = drain(fifo) }
            reader.start()
            try OutputFile.write(fifo) { $0.write("through the pipe\n") }
            while !reader.isFinished { usleep(1000) }
            #expect(received == "through the pipe\n")
            #expect(fileType(fifo) == S_IFIFO)
        }
    }

    @Test func aFullDeviceIsAnErrorNamingTheSystemsReason() {
        #expect(throws: FileError(path: "/dev/full", action: .write, errno: ENOSPC)) {
            try OutputFile.write("/dev/full") { $0.write(String(repeating: "x", count: 3 << 20)) }
        }
        #expect(FileError(path: "out.csv", action: .write, errno: ENOSPC).message == "cannot write `out.csv`: no space left on device")
    }

    @Test func aFolderOrAMissingFolderIsAnError() throws {
        withFolder { folder in
            #expect(throws: FileError(path: folder, action: .write, kind: .folder, reason: "it is a folder, not a file")) {
                try OutputFile.write(folder) { $0.write("x") }
            }
            let missing = folder + "/no/such/out.csv"
            #expect(throws: FileError(path: missing, action: .write, kind: .missingFolder,
                                      reason: "the folder `\(folder)/no/such` does not exist")) {
                try OutputFile.write(missing) { $0.write("x") }
            }
            #expect(entries(folder).isEmpty)
        }
    }

    /// A disk that fills up mid-write: the old file stays, the temporary file goes.
    /// A small tmpfs is a real full disk; mounting one needs root.
    @Test(.enabled(if: geteuid() == 0, "mounting a small file system needs root"))
    func aFullDiskLeavesTheOldFileAndNoTemporaryFile() throws {
        withFolder { folder in
            guard mount("tmpfs", folder, "tmpfs", 0, "size=64k") == 0 else {
                Issue.record("cannot mount a tmpfs: \(String(cString: strerror(errno)))")
                return
            }
            defer { umount(folder) }
            let out = folder + "/out.csv"
            put("old\n", out)
            #expect(throws: FileError(path: out, action: .write, errno: ENOSPC)) {
                try OutputFile.write(out) { $0.write(String(repeating: "x", count: 1 << 20)) }
            }
            #expect(contents(out) == "old\n")
            #expect(entries(folder) == ["out.csv"])
        }
    }

    @Test func sameFileSeesThroughLinksAndNewNames() throws {
        withFolder { folder in
            put("x", folder + "/a.csv")
            symlink("a.csv", folder + "/b.csv")
            #expect(OutputFile.sameFile(folder + "/a.csv", folder + "/b.csv"))
            #expect(OutputFile.sameFile(folder + "/new.csv", folder + "/new.csv"))
            #expect(!OutputFile.sameFile(folder + "/a.csv", folder + "/c.csv"))
            #expect(!OutputFile.sameFile("/dev/null", "/dev/null"))
            #expect(OutputFile.overwrites(folder + "/b.csv", folder + "/a.csv"))
            #expect(!OutputFile.overwrites("/dev/null", "/dev/null"))
        }
    }
}
