import Foundation
import TendCore

/// sudo, when the config has something only root may change, and the programs each of the config's types runs.
extension Doctor {
    /// The types whose changes need root (apt's through dpkg). Files outside the home may too, but only a plan
    /// tells, and doctor does not plan.
    static let rootTypes: Set<String> = ["apt"]

    /// The programs a type runs, looked for on PATH. Types not listed run only what the config names itself.
    static let programs: [String: [String]] = [
        "apt": ["apt-get", "dpkg-query"], "brew": ["brew"], "pipx": ["pipx"], "git-config": ["git"],
        "git-clone": ["git"], "ssh-key": ["ssh-keygen"],
    ]

    func sudoChecks(_ config: Config) async -> [DoctorCheck] {
        let needing = Set(config.resources.map(\.type)).intersection(Self.rootTypes).sorted()
        guard !needing.isEmpty else {
            return [DoctorCheck("sudo", "sudo", .skipped, "the config has nothing that needs root")]
        }
        let why = needing.joined(separator: ", ") + " resources need root"
        if host.isRoot { return [DoctorCheck("sudo", "sudo", .ok, "\(why), and tend runs as root")] }
        guard SystemProcessRunner.resolve("sudo", path: host.facts.environment["PATH"]) != nil else {
            return [DoctorCheck("sudo", "sudo", .problem, "\(why), and sudo is not installed",
                                fix: "run tend as root, or install sudo and allow \(host.facts.user) to use it")]
        }
        let result = try? await host.runner.run(Command(["sudo", "-n", "true"], timeout: 10))
        if result?.succeeded == true { return [DoctorCheck("sudo", "sudo", .ok, "\(why), and sudo works without a password")] }
        return [DoctorCheck("sudo", "sudo", .warning, "\(why); sudo asks for a password, which apply asks for once at the start",
                            fix: "nothing to do on a terminal; for unattended runs let \(host.facts.user) use sudo "
                                + "without a password for apt-get, or run tend as root")]
    }

    func toolChecks(_ config: Config) -> [DoctorCheck] {
        var wanted: [(program: String, type: String)] = []
        for resource in config.resources {
            var programs = Self.programs[resource.type] ?? []
            if resource.type == "pip" { programs.append(resource.parameters["python"]?.stringValue ?? "python3") }
            for program in programs where !wanted.contains(where: { $0.program == program }) {
                wanted.append((program, resource.type))
            }
        }
        guard !wanted.isEmpty else {
            return [DoctorCheck("package manager", "PATH", .skipped, "the config uses no package manager")]
        }
        let path = host.facts.environment["PATH"]
        return wanted.map { program, type in
            var found = SystemProcessRunner.resolve(program, path: path)
            if found == nil, program == "brew" {
                found = BrewPackage().fallbackExecutables.first { FileManager.default.isExecutableFile(atPath: $0) }
            }
            if let found {
                return DoctorCheck("package manager", program, .ok, "found at \(found) (for \(type) resources)")
            }
            return DoctorCheck("package manager", program, .problem, "not on PATH, and the config has \(type) resources",
                               fix: Self.installHint(program))
        }
    }

    static func installHint(_ program: String) -> String {
        switch program {
        case "apt-get", "dpkg-query": return "apt resources work on Debian and Ubuntu only; limit them with 'when: { os: linux }' or use brew here"
        case "brew": return "install Homebrew (https://brew.sh), or limit brew resources with 'when: { os: macos }'"
        case "git": return "install git (apt-get install git, or brew install git), or add it to the config as a package"
        default: return "install \(program), or put the directory that holds it on PATH"
        }
    }
}
