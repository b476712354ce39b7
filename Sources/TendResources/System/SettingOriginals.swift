import TendCore

/// Rule 1 for settings that are a value rather than a file of their own (a login shell, a timezone, a gsettings
/// key), the way git-config keeps its values: the value a setting had before tend first changed it is kept as the
/// original, a value changed outside tend since tend's last write is kept as an edit, and a release puts the
/// original back only while the setting still holds exactly what tend set.
enum SettingOriginals {
    /// Keeps `current` before tend overwrites or resets it, unless it is exactly what tend last wrote.
    static func keep(_ current: String?, label: String, for address: Address, context: ApplyContext) throws {
        guard let current, let backups = context.backups else { return }
        if let last = try backups.lastWrite(address) {
            if backups.stored(PathFootprint.value(current)) != last.digest {
                try backups.keepValue(current, label: label, for: address, reason: .editedOutsideTend)
            }
        } else {
            try backups.keepValue(current, label: label, for: address, reason: .original)
        }
    }

    /// The kept original to give back, when the setting still holds exactly what tend last set; nil when there
    /// is none or the value is no longer tend's (then it stays as it is, and the original stays in backups).
    static func originalToPutBack(current: String?, address: Address, context: ApplyContext) throws
        -> (value: String, backup: Backup)? {
        guard let backups = context.backups,
              let original = try backups.originals(address).last(where: { $0.kind == .value }),
              let last = try backups.lastWrite(address),
              backups.stored(PathFootprint.value(current)) == last.digest else { return nil }
        guard let value = String(validating: try backups.contents(of: original), as: UTF8.self) else {
            throw ApplyFailure("the kept original of \(address) is not text")
        }
        return (value, original)
    }
}
