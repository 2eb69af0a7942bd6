import Glibc

/// Why a file could not be read or written: one line for the person running the
/// command (`cannot write `out.csv`: no space left on device`).
public struct FileError: Error, Sendable, Equatable {
    /// What was being done to the file.
    public enum Action: String, Sendable {
        case read, write
    }

    /// What went wrong, for the caller to pick its diagnostic code and exit code.
    /// The file does not exist (a history not written yet, say).
    public var isMissing: Bool { kind == .system(ENOENT) }

    public enum Kind: Sendable, Equatable {
        /// The system refused (the `errno`).
        case system(Int32)
        /// A folder where a file was expected.
        case folder
        /// The folder an output file would go into does not exist.
        case missingFolder
        /// The file is larger than this machine can hold while it is used.
        case tooLarge
        /// The bytes are not text (NUL bytes in the first block).
        case notText
        /// The file was written to while it was read.
        case changed
    }

    /// The file as the user named it, or `standard input` / `standard output`.
    public var path: String
    public var action: Action
    public var kind: Kind
    /// The reason, lowercase, as the message ends.
    public var reason: String
    /// What the user can do about it, when there is something.
    public var help: String?

    public init(path: String, action: Action, kind: Kind, reason: String, help: String? = nil) {
        self.path = path
        self.action = action
        self.kind = kind
        self.reason = reason
        self.help = help
    }

    /// The error the system reported for `errno`.
    public init(path: String, action: Action, errno code: Int32) {
        self.init(path: path, action: action, kind: .system(code), reason: FileError.describe(code))
    }

    /// `cannot write `out.csv`: no space left on device`.
    public var message: String {
        "cannot \(action.rawValue) \(FileError.quoted(path)): \(reason)"
    }

    /// Whether this is standard output closed by its reader (`policy run ... | head`).
    public var isBrokenPipe: Bool { kind == .system(EPIPE) }

    /// The standard streams are named in words, files in backticks.
    static func quoted(_ path: String) -> String {
        path.hasPrefix("standard ") ? path : "`\(path)`"
    }

    /// The system's words for `errno`, lowercase (`no space left on device`).
    public static func describe(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        let words = String(cString: text)
        guard let first = words.first else { return "error \(code)" }
        return first.lowercased() + words.dropFirst()
    }
}
