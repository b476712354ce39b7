import Foundation

/// OpenSSH's StrictModes rule for a plugin executable (see `LinkTrust`): tend runs it, often as root, so neither
/// it nor any directory on the way to it may be changeable by a user tend does not trust. Links on the way are
/// checked as links, then the resolved path is checked again, component by component.
enum PluginTrust {
    /// Nil when the plugin may run; else why not, naming the path and its owner.
    static func problem(executable path: String) -> String? {
        if let problem = walk(path) { return problem }
        guard let resolved = realpath(path, nil) else {
            return "'\(TerminalText.escape(path))' does not exist; check the path in 'plugins:' (relative to the config file)"
        }
        defer { free(resolved) }
        let real = String(cString: resolved)
        if real != path, let problem = walk(real) { return problem }
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

    /// Checks each existing component of `path` as it stands (links not followed): owned by a trusted user and
    /// not writable by group or others (a sticky directory such as /tmp excepted; the file itself never).
    private static func walk(_ path: String) -> String? {
        let components = path.split(separator: "/").map(String.init)
        var current = ""
        var prefixes = ["/"]
        for component in components {
            current += "/" + component
            prefixes.append(current)
        }
        for (index, prefix) in prefixes.enumerated() {
            var info = stat()
            guard lstat(prefix, &info) == 0 else { return nil }
            let isLast = index == prefixes.count - 1
            let kind = info.st_mode & S_IFMT
            let owner = LinkTrust.userName(info.st_uid)
            let shown = "'\(TerminalText.escape(prefix))'"
            guard LinkTrust.trusts(owner: info.st_uid) else {
                return "\(shown) is owned by \(owner), not by \(LinkTrust.trustedUsers); "
                    + "make it owned by one of them or move the plugin elsewhere"
            }
            if kind == S_IFLNK { continue }
            let writable = info.st_mode & mode_t(0o022) != 0
            let sticky = info.st_mode & mode_t(S_ISVTX) != 0 && kind == S_IFDIR
            if writable && (isLast || !sticky) {
                return "\(shown) (owned by \(owner)) can be changed by other users (mode "
                    + String(info.st_mode & 0o7777, radix: 8) + "); run chmod go-w on it"
            }
        }
        return nil
    }
}
