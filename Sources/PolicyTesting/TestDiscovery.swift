import PolicySyntax

/// Which policy files hold `test` blocks (the files come from `Folders.policyFiles`).
public enum TestDiscovery {
    /// Whether a parsed file declares any test (only such files are run).
    public static func hasTests(_ file: PolicyFile) -> Bool {
        file.declarations.contains { if case .test = $0 { true } else { false } }
    }
}
