import Foundation
import TendCore

/// dpkg's own record of what is installed: the `status` file in its admin directory (`$DPKG_ADMINDIR`, else
/// `/var/lib/dpkg`), read in-process so that a no-op plan spawns no `dpkg-query`.
///
/// The file is a list of deb822 paragraphs, one per package instance, which dpkg replaces atomically. Changes
/// made since its last rewrite sit in numbered journal files under `updates/`; when any are present the file
/// alone is not the truth, and `records` returns nil so that the caller asks `dpkg-query`, which folds them in.
enum DpkgStatus {
    static let defaultAdminDirectory = "/var/lib/dpkg"

    /// Where dpkg keeps its database, as dpkg itself finds it: `$DPKG_ADMINDIR`, else `var/lib/dpkg` under
    /// `$DPKG_ROOT` (a chroot being bootstrapped), else `/var/lib/dpkg`.
    static func adminDirectory(environment: [String: String]) -> String {
        if let value = environment["DPKG_ADMINDIR"], !value.isEmpty { return value }
        if let root = environment["DPKG_ROOT"], !root.isEmpty { return root + defaultAdminDirectory }
        return defaultAdminDirectory
    }

    /// The records of every instance of the packages named in `packages` (names without `:arch`; nil: all); nil when
    /// the status file cannot be read, is not as dpkg writes it, or dpkg's journal holds changes the file does
    /// not have yet. The caller then asks `dpkg-query`, which applies the journal or reports the damage.
    static func records(adminDirectory: String, packages: Set<String>?, files: FileSystem) -> [AptPackage.Record]? {
        guard !hasPendingJournal(adminDirectory + "/updates"),
              let bytes = files.read(adminDirectory + "/status")
        else { return nil }
        // A journal written while the file was being read would make the read stale: look again.
        guard !hasPendingJournal(adminDirectory + "/updates") else { return nil }
        return parse(bytes, packages: packages)
    }

    /// True when `directory` holds a journal entry (a file whose name is only digits, as dpkg names them), or
    /// cannot be listed for any reason but its absence.
    static func hasPendingJournal(_ directory: String) -> Bool {
        guard let handle = opendir(directory) else { return errno != ENOENT }
        defer { closedir(handle) }
        while let entry = readdir(handle) {
            let isJournal = withUnsafeBytes(of: entry.pointee.d_name) { raw -> Bool in
                let name = raw.prefix { $0 != 0 }
                return !name.isEmpty && name.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
            }
            if isJournal { return true }
        }
        return false
    }

    /// The paragraphs of a status file whose `Package` is in `packages` (every one when nil), as records, with what dpkg-query would
    /// print for them. Field names are matched without regard to case, as deb822 allows; continuation lines and
    /// other fields are skipped unread.
    ///
    /// nil when the file is not as dpkg writes it: a carriage return, a line that is neither a field nor a
    /// continuation, a blank line made of whitespace, or two `Package` fields in one paragraph. dpkg-query
    /// refuses such a file with an error, and tend should say so rather than guess.
    static func parse(_ bytes: [UInt8], packages: Set<String>?) -> [AptPackage.Record]? {
        guard !bytes.isEmpty else { return [] }
        return bytes.withUnsafeBufferPointer { buffer -> [AptPackage.Record]? in
            let base = UnsafeRawPointer(buffer.baseAddress!)
            guard memchr(base, Int32(UInt8(ascii: "\r")), buffer.count) == nil else { return nil }
            var records: [AptPackage.Record] = []
            var name = "", architecture = "", state = "", version = ""
            var hasName = false
            func finish() {
                // A paragraph without a well-formed Status is not one dpkg-query would print either.
                if hasName, !state.isEmpty, packages?.contains(name) ?? true {
                    records.append(AptPackage.Record(name: name, architecture: architecture, state: state,
                                                     version: version))
                }
                name = ""; architecture = ""; state = ""; version = ""; hasName = false
            }
            func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }

            var start = 0
            let end = buffer.count
            while start < end {
                let lineEnd = memchr(base + start, Int32(UInt8(ascii: "\n")), end - start)
                    .map { UnsafeRawPointer($0) - base } ?? end
                let line = UnsafeBufferPointer(rebasing: buffer[start..<lineEnd])
                start = lineEnd + 1
                guard let first = line.first else { finish(); continue }
                if isBlank(first) {
                    // A continuation of a field read nowhere here; one of whitespace only is a damaged blank line.
                    if line.allSatisfy(isBlank) { return nil }
                    continue
                }
                guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return nil }
                let field = UnsafeBufferPointer(rebasing: line[..<colon])
                var valueStart = colon + 1
                while valueStart < line.count && isBlank(line[valueStart]) { valueStart += 1 }
                var valueEnd = line.count
                while valueEnd > valueStart && isBlank(line[valueEnd - 1]) { valueEnd -= 1 }
                let value = UnsafeBufferPointer(rebasing: line[valueStart..<valueEnd])
                if matches(field, "package") {
                    if hasName { return nil }
                    name = String(decoding: value, as: UTF8.self)
                    hasName = true
                } else if matches(field, "architecture") {
                    architecture = String(decoding: value, as: UTF8.self)
                } else if matches(field, "status") {
                    // "want flag state", e.g. "install ok installed": the state is the third word.
                    let words = value.split(whereSeparator: isBlank)
                    state = words.count == 3 ? String(decoding: UnsafeBufferPointer(rebasing: words[2]), as: UTF8.self) : ""
                } else if matches(field, "version") {
                    version = String(decoding: value, as: UTF8.self)
                }
            }
            finish()
            return records
        }
    }

    /// True when `field` is `lowercased` in any case.
    private static func matches(_ field: UnsafeBufferPointer<UInt8>, _ lowercased: StaticString) -> Bool {
        guard field.count == lowercased.utf8CodeUnitCount else { return false }
        let expected = UnsafeBufferPointer(start: lowercased.utf8Start, count: lowercased.utf8CodeUnitCount)
        for index in 0..<field.count where field[index] | 0x20 != expected[index] {
            return false
        }
        return true
    }
}
