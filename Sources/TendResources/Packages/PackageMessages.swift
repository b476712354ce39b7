import TendCore

/// The plan's sentences for package types ("Install package ripgrep", "Change package x from 14.0-1 to 15.*"),
/// shared by apt, brew, pip and pipx so that they read alike.
enum PackageMessages {
    /// The package's name as the user wrote it (an `id:` may have changed the address key).
    static func name(of resource: ResourceSpec) -> String {
        resource.parameters["name"]?.stringValue ?? resource.address.key
    }

    /// The version the resource asks for, when it names one ("latest" and "*" ask for none).
    static func pin(of resource: ResourceSpec) -> String? {
        guard let pin = resource.parameters["version"]?.text, !pin.isEmpty, pin != "*", pin != "latest" else {
            return nil
        }
        return pin
    }

    /// `noun` is what the package is called in a sentence: "package", "Python package", "cask".
    static func message(noun: String, operation: ResourceOperation, resource: ResourceSpec,
                        changes: [ParameterChange]) -> String {
        let subject = "\(noun) \(name(of: resource))"
        switch operation {
        case .create:
            return "Install \(subject)" + (pin(of: resource).map { " \($0)" } ?? "")
        case .destroy:
            return "Remove \(subject)"
        case .release:
            return "Stop managing \(subject) (left installed)"
        case .modify, .recreate:
            if let version = changes.first(where: { $0.name == "version" }), let after = version.after {
                let from = version.before.map { " from \($0.text)" } ?? ""
                return "Change \(subject)\(from) to \(after.text)"
            }
            let names = changes.map(\.name).joined(separator: ", ")
            return (operation == .recreate ? "Reinstall" : "Update") + " \(subject): \(names)"
        }
    }
}
