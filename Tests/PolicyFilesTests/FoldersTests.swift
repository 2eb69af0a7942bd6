import Foundation
import Glibc
import Testing
@testable import PolicyFiles

/// The one walk of `policy test` and `policy fmt`: what it finds below a folder, and
/// what it leaves out (hidden folders, `.build`, what a `.policyignore` names).
struct FoldersTests {
    /// A folder holding `files` (paths relative to it; a path ending in `/` is a folder).
    func withTree<R>(_ files: [String: String], _ body: (String) throws -> R) rethrows -> R {
        try withFolder { folder in
            for (path, text) in files {
                let full = folder + "/" + path
                if path.hasSuffix("/") { mkdirFolder(full); continue }
                mkdirFolder((full as NSString).deletingLastPathComponent)
                put(text, full)
            }
            return try body(folder)
        }
    }

    /// The files found below `folder`, relative to it.
    func found(_ folder: String, _ paths: [String] = [""]) -> Folders.Found {
        var found = Folders.policyFiles(paths.map { folder + "/" + $0 })
        found.files = found.files.map { String($0.dropFirst(folder.count + 1)) }
        return found
    }

    @Test func hiddenFoldersAndFilesAndLinksToFoldersAreSkipped() {
        withTree(["a.policy": "", "b/c.policy": "", "b/notes.txt": "", ".build/x.policy": "", ".git/y.policy": "",
                  ".hidden.policy": "", "d/.e/f.policy": ""]) { folder in
            symlink(folder + "/b", folder + "/link")
            #expect(found(folder).files == ["a.policy", "b/c.policy"])
        }
    }

    @Test func aPolicyignoreLeavesOutTheFoldersAndFilesItNames() {
        let ignore = """
            # fixtures: broken on purpose
            Tests
            Fuzz/Corpus/
            ./Docs/old.policy

            ../outside
            """
        withTree([".policyignore": ignore, "Rules/a.policy": "", "Tests/Cases/t.policy": "", "Fuzz/Corpus/c.policy": "",
                  "Fuzz/seed.policy": "", "Docs/old.policy": "", "Docs/new.policy": "", "Docs/Tests/kept.policy": ""]) { folder in
            #expect(found(folder).files == ["Docs/Tests/kept.policy", "Docs/new.policy", "Fuzz/seed.policy", "Rules/a.policy"])
        }
    }

    @Test func aPolicyignoreBelowAppliesBelowItsFolder() {
        withTree(["a/.policyignore": "x\n", "a/x/1.policy": "", "a/y/2.policy": "", "x/3.policy": ""]) { folder in
            #expect(found(folder).files == ["a/y/2.policy", "x/3.policy"])
        }
    }

    @Test func whatIsNamedOnTheCommandLineIsAlwaysUsed() {
        withTree([".policyignore": "Tests\nskip.policy\n", "Tests/t.policy": "", "skip.policy": ""]) { folder in
            #expect(found(folder).files == [])
            #expect(found(folder, ["Tests", "skip.policy"]).files == ["Tests/t.policy", "skip.policy"])
        }
    }

    @Test func anUnreadablePolicyignoreStopsItsFolderBeingSearched() {
        withTree(["a/.policyignore/": "", "a/1.policy": "", "b/2.policy": ""]) { folder in
            let result = found(folder)
            #expect(result.files == ["b/2.policy"])
            #expect(result.unreadable.map(\.path) == [folder + "/a/.policyignore"])
            #expect(result.unreadable.first?.message == "cannot read `\(folder)/a/.policyignore`: it is a folder, not a file")
        }
    }

    @Test func aPolicyignoreThatIsAPipeIsRefusedNotWaitedOn() {
        withTree(["a/1.policy": "", "b/2.policy": ""]) { folder in
            #expect(mkfifo(folder + "/a/.policyignore", 0o644) == 0)
            let result = found(folder)
            #expect(result.files == ["b/2.policy"])
            #expect(result.unreadable.first?.message == "cannot read `\(folder)/a/.policyignore`: it is not a regular file")
        }
    }

    @Test(arguments: [
        ("Tests\n", ["Tests"]),
        ("  Tests/  \r\n# comment\n\n", ["Tests"]),
        ("/Fuzz//Corpus/\n./Docs/./x.policy\n", ["Fuzz/Corpus", "Docs/x.policy"]),
        ("../up\na/../b\n.\n/\n", []),
    ])
    func anIgnoreListIsOnePathALine(text: String, paths: [String]) {
        #expect(Folders.ignoreList(text) == Set(paths))
    }
}
