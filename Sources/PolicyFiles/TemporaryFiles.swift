import Glibc

/// The temporary files of whole-or-nothing writes: named so that a later run can tell
/// whose they are, removed on an error, on SIGINT, SIGTERM and SIGHUP, and, when a
/// process died without a chance to (kill -9, a power cut), by the next run that
/// writes into the same folder. (And on SIGBUS: a file being read in place was cut
/// short by another process.)
///
/// A temporary file is `.NAME.PID.policy-tmp` beside its target `NAME`.
public enum TemporaryFiles {
    static let suffix = ".policy-tmp"
    static let capacity = 16

    // INVARIANT: allocated before any signal handler is installed; slots hold C strings
    // that are never freed, so the handler cannot read freed memory whatever moment
    // it interrupts.
    nonisolated(unsafe) fileprivate static let slots: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
        let slots = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: capacity)
        slots.initialize(repeating: nil, count: capacity)
        return slots
    }()

    /// The temporary file for `target` (an absolute or relative path to a file).
    static func path(for target: String) -> String {
        let (folder, name) = Paths.split(target)
        return Paths.join(folder, ".\(name).\(getpid())\(suffix)")
    }

    /// Remembers `path` for removal by a signal; the slot to release afterwards.
    static func register(_ path: String) -> Int? {
        for slot in 0..<capacity where slots[slot] == nil {
            slots[slot] = strdup(path)
            return slot
        }
        return nil
    }

    static func release(_ slot: Int?) {
        // The string is left allocated (see the INVARIANT above).
        if let slot { slots[slot] = nil }
    }

    /// Installs the handlers that remove the registered files, then end the process
    /// the way the signal would have. A signal the parent set to be ignored (a job in
    /// the background of a script) stays ignored.
    static func removeOnSignals() {
        _ = slots
        _ = busMessage.count
        // SIGBUS: a mapped file cut short by another process (`MappedFile`).
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGBUS] {
            var old = sigaction()
            guard sigaction(signal, nil, &old) == 0,
                  unsafeBitCast(old.__sigaction_handler.sa_handler, to: Int.self) != unsafeBitCast(SIG_IGN, to: Int.self) else { continue }
            var action = sigaction()
            action.__sigaction_handler.sa_handler = removeAndRaise
            sigemptyset(&action.sa_mask)
            action.sa_flags = Int32(bitPattern: UInt32(SA_RESETHAND))
            sigaction(signal, &action, nil)
        }
    }

    /// Removes the temporary files in `folder` left by processes that no longer exist.
    public static func removeStale(in folder: String) {
        guard let directory = opendir(folder.isEmpty ? "." : folder) else { return }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard let pid = owner(of: name), pid != getpid(), kill(pid, 0) == -1, errno == ESRCH else { continue }
            unlink(Paths.join(folder, name))
        }
    }

    /// The process id in a temporary file's name, or nil when the name is not one.
    static func owner(of name: String) -> pid_t? {
        guard name.hasPrefix("."), name.hasSuffix(suffix) else { return nil }
        let stem = name.dropLast(suffix.count)
        guard let dot = stem.lastIndex(of: "."), dot != stem.startIndex,
              let pid = pid_t(stem[stem.index(after: dot)...]), pid > 0 else { return nil }
        return pid
    }
}

/// The signal handler: only async-signal-safe calls (unlink, raise).
private func removeAndRaise(_ signal: Int32) {
    let slots = TemporaryFiles.slots
    for slot in 0..<TemporaryFiles.capacity {
        if let path = slots[slot] { unlink(path) }
    }
    if signal == SIGBUS {
        // Only what a signal handler may call: a write of bytes that are always there.
        _ = busMessage.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count) }
    }
    // SA_RESETHAND restored the default action: raising again ends the process with
    // the signal, as if no handler had run.
    raise(signal)
}

/// What a run says when a file it reads in place is cut short under it (SIGBUS).
fileprivate let busMessage = Array("error: a file being read was cut short by another process while it was read; nothing was written [E0601]\n".utf8)
