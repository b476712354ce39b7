import TendCore

/// A Homebrew formula or cask. Refresh lists installed formulae with one `brew list --versions --formula`
/// and, when the config has casks, installed casks with one `brew list --versions --cask`.
public struct BrewPackage: ApplyingResourceType {
    /// Where Homebrew installs itself, tried when `brew` is not on PATH (a fresh shell on a new Mac often
    /// lacks `/opt/homebrew/bin`).
    public var fallbackExecutables: [String]

    public init() {
        self.init(fallbackExecutables: [
            "/opt/homebrew/bin/brew", "/usr/local/bin/brew", "/home/linuxbrew/.linuxbrew/bin/brew",
        ])
    }

    public init(fallbackExecutables: [String]) {
        self.fallbackExecutables = fallbackExecutables
    }

    public var schema: TypeSchema { BuiltinSchemas.brew }

    public func refresh(_ resources: [ResourceSpec], host: Machine) async throws -> [Address: Observation] {
        guard !resources.isEmpty else { return [:] }
        let casks = resources.filter(isCask)
        let formulae = resources.filter { !isCask($0) }
        let timeout = resources.compactMap(\.timeout).max()
        var observations: [Address: Observation] = [:]

        async let formulaListing = formulae.isEmpty ? nil : list("--formula", host: host, timeout: timeout)
        async let caskListing = casks.isEmpty ? nil : list("--cask", host: host, timeout: timeout)

        switch try await formulaListing {
        case nil: break
        case .missing?:
            for resource in formulae { observations[resource.address] = .absent("brew is not installed") }
        case .failed(let result)?:
            throw CommandError.failed(result)
        case .listed(let installed)?:
            for resource in formulae { observations[resource.address] = Self.observation(of: resource, in: installed) }
        }
        switch try await caskListing {
        case nil: break
        case .missing?:
            for resource in casks { observations[resource.address] = .absent("brew is not installed") }
        case .failed(let result)?:
            // Casks exist only on macOS; a failure here must not hide the state of every formula.
            let detail = result.tail(lines: 1)
            let note = "brew could not list casks" + (detail.isEmpty ? "" : ": \(detail)")
            for resource in casks { observations[resource.address] = .absent(note) }
        case .listed(let installed)?:
            for resource in casks { observations[resource.address] = Self.observation(of: resource, in: installed) }
        }
        return observations
    }

    public func message(for operation: ResourceOperation, resource: ResourceSpec, changes: [ParameterChange],
                        observation: Observation?) -> String {
        PackageMessages.message(noun: isCask(resource) ? "cask" : "formula", operation: operation,
                                resource: resource, changes: changes)
    }

    private func isCask(_ resource: ResourceSpec) -> Bool {
        resource.parameters["cask"]?.boolValue ?? schema.parameter("cask")?.defaultValue?.boolValue ?? false
    }

    enum Listing {
        case listed([String: [String]])
        case missing
        case failed(CommandResult)
    }

    /// Runs one listing with `brew` from PATH, or else with the first fallback executable that exists.
    func list(_ kind: String, host: Machine, timeout: Double?) async throws -> Listing {
        let fallback = fallbackExecutables.first { host.files.status($0)?.kind == .file }
        for executable in ["brew"] + (fallback.map { [$0] } ?? []) {
            do {
                let command = Command([executable, "list", "--versions", kind], timeout: timeout)
                let result = try await host.runner.run(command)
                return result.succeeded ? .listed(Self.parse(result.output)) : .failed(result)
            } catch CommandError.launchFailed {
                continue
            }
        }
        return .missing
    }

    /// Installed versions by name, from lines such as `git 2.45.1` or `python@3.12 3.12.4 3.12.3`; lines
    /// without a version, or that are not a name followed by versions, are ignored.
    static func parse(_ output: String) -> [String: [String]] {
        var installed: [String: [String]] = [:]
        for line in output.split(separator: "\n") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard words.count >= 2, isFormulaName(words[0]), words.dropFirst().allSatisfy(isVersion),
                  installed[words[0].lowercased()] == nil
            else { continue }
            installed[words[0].lowercased()] = Array(words.dropFirst())
        }
        return installed
    }

    /// What the listing says about the resource. A tap-qualified name (`hashicorp/tap/terraform`) is listed by
    /// its last part. With several versions installed, the one the pin asks for wins, else the newest.
    static func observation(of resource: ResourceSpec, in installed: [String: [String]]) -> Observation {
        let name = PackageMessages.name(of: resource)
        let short = name.split(separator: "/").last.map(String.init)?.lowercased() ?? name.lowercased()
        guard let versions = installed[short], !versions.isEmpty else { return .absent("not installed") }
        var chosen = versions.max(by: { isOlder($0, than: $1) })!
        if let pin = PackageMessages.pin(of: resource),
           let match = versions.first(where: { VersionPattern(pin).matches($0) }) {
            chosen = match
        }
        // Found in the listing of its own kind, so its cask flag is the one the resource states.
        return .present(["version": .string(chosen), "cask": .bool(resource.parameters["cask"]?.boolValue ?? false)])
    }

    /// `2.45.1`, `3.3.0_1`, `1.2.3,4567` (casks), `HEAD-1a2b3c4`, or `latest` (a cask without versions).
    private static func isVersion(_ word: String) -> Bool {
        guard let first = word.first else { return false }
        return (first.isASCII && first.isNumber) || word == "latest" || word.hasPrefix("HEAD")
    }

    static func isFormulaName(_ word: String) -> Bool {
        !word.isEmpty && word.unicodeScalars.allSatisfy { scalar in
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                || "@+._-".unicodeScalars.contains(scalar)
        }
    }

    /// Version order by numeric runs and text runs (`3.12.10` after `3.12.9`, `1.0_1` after `1.0`).
    static func isOlder(_ a: String, than b: String) -> Bool {
        let left = segments(a), right = segments(b)
        for (x, y) in zip(left, right) where x != y {
            switch (Int(x), Int(y)) {
            case let (i?, j?): return i < j
            case (_?, nil): return false
            case (nil, _?): return true
            default: return x < y
            }
        }
        return left.count < right.count
    }

    private static func segments(_ version: String) -> [String] {
        var result: [String] = []
        var current = ""
        var currentIsDigit = false
        for character in version {
            let isDigit = character.isASCII && character.isNumber
            let isWord = character.isLetter || isDigit
            if !isWord {
                if !current.isEmpty { result.append(current) }
                current = ""
                continue
            }
            if !current.isEmpty && isDigit != currentIsDigit {
                result.append(current)
                current = ""
            }
            current.append(character)
            currentIsDigit = isDigit
        }
        if !current.isEmpty { result.append(current) }
        return result
    }
}
