import TendCore

/// Rule 1 for tend's own `profile.sh`: tend writes the whole file from its entries, so the file is tend's work
/// exactly when it is what tend would write for the entries it holds. Anything else (a line added by hand) is
/// an edit made outside tend, which a rewrite or removal would lose: it goes to backups first.
enum ProfileFootprint {
    /// "profile tend" when `profile.sh` is tend's rendering of its own entries, the file's digest when it was
    /// edited, nil when there is no profile.
    static func of(host: Machine) -> String? {
        let path = ShellProfile.path(for: host)
        guard let bytes = host.files.read(path) else { return host.files.status(path) == nil ? nil : "profile unreadable" }
        return isTendsOwn(bytes) ? tendsOwn : "profile " + SHA256.digest(bytes)
    }

    /// The footprint of a profile tend just wrote.
    static let tendsOwn = "profile tend"

    static func isTendsOwn(_ bytes: [UInt8]) -> Bool {
        guard let text = String(validating: bytes, as: UTF8.self) else { return false }
        return ShellProfile.parse(text).renderPOSIX() == text
    }

    /// Keeps `profile.sh` before tend rewrites or removes it, when it holds an edit made outside tend.
    static func keepEdits(context: ApplyContext, for address: Address) throws {
        let path = ShellProfile.path(for: context.host)
        guard let backups = context.backups, let bytes = context.host.files.read(path), !isTendsOwn(bytes) else { return }
        try backups.keepAlways(path: path, for: address, reason: .editedOutsideTend)
    }
}
