import TendCore

/// Fetching a URL for the download, archive, font and apt-repository types, with the system's `curl` run by argv:
/// tend links no HTTP library, so a run that fetches nothing (every `tend validate`, every no-op plan) pays
/// nothing for one. The body lands in a private directory of tend's (`PrivateDirectory`), bounded in size and
/// time, and is read back by handle; the caller checks its digest before anything is placed.
enum HTTPFetch {
    /// The largest body tend fetches: the most it compares by digest anywhere (`RegularFileReader.sourceLimit`,
    /// 64 MiB), so that what it places can always be told from a user's edit later.
    static let limit = RegularFileReader.sourceLimit
    /// Seconds one fetch may take, connection and transfer together.
    static let seconds = 300

    /// The reason `url` cannot be fetched (not http or https, spaces or control characters), or nil.
    static func urlProblem(_ url: String) -> String? {
        let lowered = url.lowercased()
        guard lowered.hasPrefix("https://") || lowered.hasPrefix("http://") else {
            return "url '\(url)' is not an http or https URL"
        }
        if url.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7f }) {
            return "url '\(url)' contains a space or a control character"
        }
        if url.count > 8192 { return "url is \(url.count) characters long, more than the 8192 tend accepts" }
        return nil
    }

    /// The `sha256` parameter as lowercase hex without the `sha256:` prefix, or nil when it is not 64 hex digits.
    static func normalizedDigest(_ text: String) -> String? {
        var hex = text.lowercased()
        if hex.hasPrefix("sha256:") { hex.removeFirst(7) }
        guard hex.utf8.count == 64, hex.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else { return nil }
        return hex
    }

    /// The problem with a `sha256` value, or nil.
    static func digestProblem(_ text: String) -> String? {
        normalizedDigest(text) == nil ? "sha256 '\(text)' is not a SHA-256 digest (64 hexadecimal digits)" : nil
    }

    /// The argv that fetches `url` into `output`: only http and https, also after redirects, at most `limit` bytes
    /// and `seconds` seconds; the URL after `--` so that no value is read as an option.
    static func curlArguments(url: String, output: String) -> [String] {
        ["curl", "--silent", "--show-error", "--fail", "--location", "--max-redirs", "10",
         "--proto", "=https,http", "--proto-redir", "=https,http",
         "--max-filesize", String(limit), "--max-time", String(seconds), "--connect-timeout", "30",
         "--output", output, "--", url]
    }

    /// The body at `url`, checked against `sha256` (lowercase hex) when one is pinned (a key is pinned by its
    /// fingerprint instead, which its caller checks). Throws an `ApplyFailure` naming the URL when
    /// curl fails, the body is too large, or the digest differs (expected and actual digests both named); in every
    /// case nothing is left behind.
    static func fetch(_ url: String, sha256 expected: String?, sensitive: Bool, host: Machine,
                      what: String) async throws -> [UInt8] {
        let shownURL = sensitive ? "(sensitive url)" : url
        let directory: PrivateDirectory
        do {
            directory = try PrivateDirectory.make(purpose: "fetch", environment: host.facts.environment,
                                                  fallback: host.stateHome + "/tend")
        } catch {
            throw ApplyFailure("could not make a private directory to download \(what) into: \(error)")
        }
        defer { directory.remove() }
        let arguments = curlArguments(url: url, output: directory.path + "/body")
        var command = Command(arguments, timeout: Double(seconds + 30))
        if sensitive {
            command.sensitiveArguments = [arguments.count - 1]
            command.hidesOutput = true
        }
        let result: CommandResult
        do {
            result = try await host.runner.run(command)
        } catch CommandError.launchFailed {
            throw ApplyFailure("curl is not installed, so \(what) cannot be downloaded; install it (apt-get install curl)")
        } catch let error as CommandError {
            if case .timedOut = error {
                throw ApplyFailure("downloading \(shownURL) took longer than \(seconds)s; nothing was placed", retryable: true)
            }
            throw ApplyFailure("could not download \(shownURL): \(error)")
        }
        guard result.succeeded else {
            let detail = sensitive ? "" : ": " + result.tail()
            // 22: an HTTP error status; 63: over --max-filesize; 6, 7, 28, 35, 56: the network, worth a retry.
            let retryable = [6, 7, 28, 35, 52, 56].contains(result.status)
            if result.status == 63 {
                throw ApplyFailure("\(shownURL) is larger than the \(limit >> 20) MiB tend downloads; nothing was placed")
            }
            throw ApplyFailure("could not download \(shownURL) (curl exited with status \(result.status))\(detail); "
                + "nothing was placed", retryable: retryable)
        }
        let body: [UInt8]
        do {
            body = try directory.handle.read("body", limit: limit)
        } catch {
            throw ApplyFailure("could not read what was downloaded from \(shownURL): \(error); nothing was placed")
        }
        guard let expected else { return body }
        let actual = SHA256.hex(digestBytes(body))
        guard actual == expected else {
            throw ApplyFailure("\(shownURL) does not match its pinned digest: expected sha256 \(expected), got sha256 "
                + "\(actual); nothing was placed (check the URL, or pin the new digest if the file changed on purpose)")
        }
        return body
    }

    static func digestBytes(_ bytes: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }
}
