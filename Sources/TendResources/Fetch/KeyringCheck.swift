import TendCore

/// Checking a downloaded OpenPGP key before apt trusts it: `gpg --show-keys --with-colons` in a private directory
/// (its own GNUPGHOME, so no keyring of the user's is read or changed) must show exactly one primary key, with the
/// pinned fingerprint; an armored key is then dearmored there, since apt's Signed-By file is binary.
enum KeyringCheck {
    /// The key as a binary keyring, or an `ApplyFailure` naming the URL and both fingerprints.
    static func dearmoredKey(_ key: [UInt8], fingerprint pinned: String, url: String, host: Machine) async throws -> [UInt8] {
        let workspace: PrivateDirectory
        do {
            workspace = try PrivateDirectory.make(purpose: "key", environment: host.facts.environment,
                                                  fallback: host.stateHome + "/tend")
        } catch {
            throw ApplyFailure("could not make a private directory to check the key from \(url) in: \(error)")
        }
        defer {
            try? workspace.handle.removeTree("gnupg")
            workspace.remove()
        }
        do {
            try workspace.handle.write(key, to: "key", mode: 0o600)
            try workspace.handle.makeDirectory("gnupg", mode: 0o700)
        } catch {
            throw ApplyFailure("could not check the key from \(url): \(error)")
        }
        let environment = ["GNUPGHOME": workspace.path + "/gnupg"]
        let show = try await gpg(["--show-keys", "--with-colons", "--", workspace.path + "/key"], environment: environment,
                                 host: host, url: url)
        let found = primaryFingerprints(show.output)
        guard found == [pinned] else {
            let what = found.isEmpty ? "no key" : found.count == 1 ? "the key \(found[0])" : "\(found.count) keys (\(found.joined(separator: ", ")))"
            throw ApplyFailure("the key at \(url) is \(what), not the pinned fingerprint \(pinned); no file was written")
        }
        guard key.starts(with: Array("-----BEGIN PGP".utf8)) else { return key }
        _ = try await gpg(["--dearmor", "--output", workspace.path + "/key.gpg", "--", workspace.path + "/key"],
                          environment: environment, host: host, url: url)
        do {
            return try workspace.handle.read("key.gpg", limit: 1 << 20)
        } catch {
            throw ApplyFailure("could not read the dearmored key from \(url): \(error)")
        }
    }

    /// The fingerprint of each primary key (`fpr` right after `pub`) in gpg's colon listing.
    static func primaryFingerprints(_ listing: String) -> [String] {
        var result: [String] = []
        var afterPrimary = false
        for line in listing.split(separator: "\n") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            if fields.first == "pub" { afterPrimary = true; continue }
            if fields.first == "fpr", afterPrimary, fields.count > 9 {
                result.append(fields[9].uppercased())
                afterPrimary = false
            } else if fields.first != "fpr" {
                afterPrimary = false
            }
        }
        return result
    }

    private static func gpg(_ arguments: [String], environment: [String: String], host: Machine, url: String) async throws -> CommandResult {
        let command = Command(["gpg", "--batch", "--no-tty", "--yes"] + arguments, environment: environment, timeout: 60)
        let result: CommandResult
        do {
            result = try await host.runner.run(command)
        } catch CommandError.launchFailed {
            throw ApplyFailure("gpg is not installed, so the key from \(url) cannot be checked; install it (apt-get install gnupg)")
        }
        guard result.succeeded else {
            throw ApplyFailure("gpg could not read the key from \(url): \(result.tail()); no file was written")
        }
        return result
    }
}
