import Foundation

/// OpenSSH's StrictModes rule for a plugin executable (see `LinkTrust`): tend runs it, often as root, so neither
/// it nor any directory on the way to it may be changeable by a user tend does not trust. Links on the way are
/// checked as links, then the resolved path is checked again, component by component (`TrustedPath`).
enum PluginTrust {
    /// Nil when the plugin may run; else why not, naming the path and its owner.
    static func problem(executable path: String) -> String? {
        switch TrustedPath.firstProblem(path) {
        case .foreignOwner(let prefix, let uid, _)?:
            return "'\(TerminalText.escape(prefix))' is owned by \(LinkTrust.userName(uid)), not by "
                + "\(LinkTrust.trustedUsers); make it owned by one of them or move the plugin elsewhere"
        case .writable(let prefix, let uid, let mode)?:
            return "'\(TerminalText.escape(prefix))' (owned by \(LinkTrust.userName(uid))) can be changed by other "
                + "users (mode " + String(mode, radix: 8) + "); run chmod go-w on it"
        case nil:
            break
        }
        guard let resolved = realpath(path, nil) else {
            return "'\(TerminalText.escape(path))' does not exist; check the path in 'plugins:' (relative to the config file)"
        }
        defer { free(resolved) }
        let real = String(cString: resolved)
        var info = stat()
        guard stat(real, &info) == 0 else { return "cannot read '\(TerminalText.escape(real))'" }
        guard info.st_mode & S_IFMT == S_IFREG else {
            return "'\(TerminalText.escape(real))' is not a regular file"
        }
        guard info.st_mode & 0o111 != 0 else {
            return "'\(TerminalText.escape(real))' is not executable; run chmod +x on it"
        }
        return nil
    }
}
