import Foundation

/// What tend knows about the machine before it runs anything: read from files and system calls, no processes.
public struct HostFacts: Sendable, Hashable {
    /// `linux` or `macos`.
    public var os: String
    /// The distribution's id from /etc/os-release (`debian`, `ubuntu`), or `macos`.
    public var distro: String
    /// The distribution's VERSION_ID (`12`, `24.04`), empty when unknown.
    public var distroVersion: String
    /// The machine architecture as `uname -m` prints it (`x86_64`, `aarch64`, `arm64`).
    public var arch: String
    public var hostname: String
    public var user: String
    public var home: String
    public var environment: [String: String]

    public init(os: String, distro: String, distroVersion: String, arch: String, hostname: String, user: String,
                home: String, environment: [String: String]) {
        self.os = os
        self.distro = distro
        self.distroVersion = distroVersion
        self.arch = arch
        self.hostname = hostname
        self.user = user
        self.home = home
        self.environment = environment
    }

    /// The facts of the machine this process runs on.
    public static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> HostFacts {
        #if os(macOS)
        let os = "macos"
        #else
        let os = "linux"
        #endif
        var distro = os
        var version = ""
        if os == "linux", let text = try? String(contentsOfFile: "/etc/os-release", encoding: .utf8) {
            let release = parseOSRelease(text)
            distro = release["ID"] ?? "linux"
            version = release["VERSION_ID"] ?? ""
        }
        var name = utsname()
        uname(&name)
        let arch = withUnsafeBytes(of: &name.machine) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        let hostname = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? ""
        let home = environment["HOME"] ?? NSHomeDirectory()
        let user = environment["USER"] ?? environment["LOGNAME"] ?? NSUserName()
        return HostFacts(os: os, distro: distro, distroVersion: version, arch: arch, hostname: hostname,
                         user: user, home: PathNormalizer.standardize(home), environment: environment)
    }

    /// KEY=value lines of os-release(5), with quotes removed.
    static func parseOSRelease(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "="), !line.hasPrefix("#") else { continue }
            var value = String(line[line.index(after: eq)...])
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            result[String(line[..<eq])] = value
        }
        return result
    }

    /// The value of `${host.NAME}`, or nil for an unknown name.
    public func value(of name: String) -> String? {
        switch name {
        case "os": return os
        case "distro": return distro
        case "distroVersion", "version": return distroVersion
        case "arch": return arch
        case "hostname": return hostname
        case "user": return user
        case "home": return home
        default: return nil
        }
    }

    public static let interpolationNames = ["os", "arch", "distro", "distroVersion", "hostname", "user", "home"]
}
