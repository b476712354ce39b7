import Foundation
import TendCore

/// `tend doctor`: looks at what makes tend work on this machine (the config where the user expects it, tend's
/// hook in each shell startup file and a real shell loading the profile through it, the state file and its
/// lock, sudo, the package managers the config uses) and says how to fix what is wrong.
///
/// Invariants: changes nothing on the host and in the state (no state file is created, the lock is never
/// taken); every shell it starts gets a clean environment and a time limit; each check ends in a finding, so
/// one broken part never hides the others.
public struct Doctor: Sendable {
    public var engine: Engine
    /// The config named with `-c`; nil to look where tend looks by default.
    public var explicitConfig: String?
    public var workingDirectory: String
    /// The state file tend would use (`--state`, `TEND_STATE`, the XDG default).
    public var statePath: String
    /// How long a probing shell may take before it counts as hanging.
    public var shellTimeout: Double = 30

    public init(engine: Engine, explicitConfig: String?, workingDirectory: String, statePath: String) {
        self.engine = engine
        self.explicitConfig = explicitConfig
        self.workingDirectory = workingDirectory
        self.statePath = statePath
    }

    var host: Machine { engine.host }

    /// Runs every check. Never throws: what would have been an error is a problem in the report.
    public func examine() async -> DoctorReport {
        var checks: [DoctorCheck] = []
        let (configChecks, config) = loadConfig()
        checks += configChecks
        if let config {
            checks += await shellChecks(config)
        } else {
            checks.append(DoctorCheck("shell hook", "startup files", .skipped,
                                      "the config could not be read, so tend cannot tell which hooks it needs"))
        }
        checks += stateChecks()
        if let config {
            checks += await sudoChecks(config)
            checks += toolChecks(config)
        }
        return DoctorReport(checks: checks)
    }

    // MARK: The config

    /// Where tend looks for the config without `-c`, in order.
    func configCandidates() -> [String] {
        let environment = host.facts.environment
        let configHome = environment["XDG_CONFIG_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? host.home + "/.config"
        return [PathNormalizer.absolute("tend.yaml", home: host.home, base: workingDirectory),
                PathNormalizer.standardize(configHome + "/tend/tend.yaml")]
    }

    func loadConfig() -> ([DoctorCheck], Config?) {
        let shown = { (path: String) in PathNormalizer.addressForm(path, home: self.host.home) }
        let path: String
        var checks: [DoctorCheck] = []
        if let explicitConfig {
            path = PathNormalizer.absolute(explicitConfig, home: host.home, base: workingDirectory)
            guard FileManager.default.fileExists(atPath: path) else {
                return ([DoctorCheck("config", shown(path), .problem, "the file given with -c is not there",
                                     fix: "check the path, or leave out -c to use ./tend.yaml or $XDG_CONFIG_HOME/tend/tend.yaml")], nil)
            }
        } else {
            let candidates = configCandidates()
            // As the other commands decide: a link to a dotfiles repository's tend.yaml counts.
            let found = candidates.filter { FileManager.default.fileExists(atPath: $0) }
            guard let first = found.first else {
                let looked = candidates.map(shown).joined(separator: " and ")
                return ([DoctorCheck("config", "tend.yaml", .problem, "no config found: tend looked at \(looked)",
                                     fix: "create \(shown(candidates[1])) (it is used from any directory) or ./tend.yaml, "
                                         + "or name one with -c FILE; 'tend types' shows what it may hold")], nil)
            }
            path = first
            if found.count > 1 {
                checks.append(DoctorCheck("config", shown(found[1]), .warning,
                                          "not used while \(shown(first)) exists: tend reads ./tend.yaml first",
                                          fix: "run tend from another directory, or pass -c \(shown(found[1]))"))
            }
        }
        let result = engine.loadConfig(path: path, workingDirectory: workingDirectory)
        let errors = result.diagnostics.filter { $0.severity == .error }.count
        guard let config = result.config, errors == 0 else {
            checks.insert(DoctorCheck("config", shown(path), .problem,
                                      "found, but it has \(errors) error\(errors == 1 ? "" : "s")",
                                      fix: "run 'tend validate -c \(shown(path))' to see each error and its fix"), at: 0)
            return (checks, nil)
        }
        checks.insert(DoctorCheck("config", shown(path), .ok,
                                  "found and valid (\(config.resources.count) resource\(config.resources.count == 1 ? "" : "s"))"),
                      at: 0)
        return (checks, config)
    }
}
