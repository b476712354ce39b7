import Foundation

/// A fresh directory that only the user running tend can enter (mode 0700, owned by the effective uid), made
/// under tend's runtime directory for one job and removed with its files afterwards. Helpers tend runs (an
/// askpass script) and files a tool must write (ssh-keygen's output) live here, never in a directory another
/// user can write, where they could be swapped between writing and running.
public final class PrivateDirectory: @unchecked Sendable {
    /// The directory, opened by handle.
    public let handle: DirectoryHandle
    private let base: DirectoryHandle
    private let name: String

    /// The absolute path, for tools that must be given one.
    public var path: String { handle.path }

    private init(handle: DirectoryHandle, base: DirectoryHandle, name: String) {
        self.handle = handle
        self.base = base
        self.name = name
    }

    /// Makes one under tend's runtime directory: `/run/tend` as root, else `$XDG_RUNTIME_DIR/tend`; then
    /// `fallback` (a directory of tend's own, such as its state directory), then `/tmp` (sticky, so no one else
    /// can rename the private directory away). `environment` is tend's (for `XDG_RUNTIME_DIR`). With
    /// `executable`, file systems mounted `noexec` are passed over, since a helper there could not run.
    public static func make(purpose: String, environment: [String: String], fallback: String? = nil,
                            executable: Bool = false) throws -> PrivateDirectory {
        let base = try runtimeDirectory(environment: environment, fallback: fallback, executable: executable)
        for _ in 0..<16 {
            let name = "\(purpose)-\(String(UInt64.random(in: 0...UInt64.max), radix: 36))"
            do {
                let handle = try base.makeDirectory(name, mode: 0o700)
                guard let status = handle.status(), status.uid == geteuid(), status.mode & 0o077 == 0 else {
                    throw FileAccessError.untrustedDirectory(path: handle.path)
                }
                return PrivateDirectory(handle: handle, base: base, name: name)
            } catch let error as FileAccessError where error.code == EEXIST {
                continue
            }
        }
        throw FileAccessError.system(operation: "create a private directory in", path: base.path, errno: EEXIST)
    }

    /// Removes the files in the directory and the directory itself; best effort (a leftover is private).
    public func remove() {
        for entry in handle.entryNames() ?? [] {
            try? handle.remove(entry)
        }
        try? base.removeDirectory(name)
    }

    /// The directory that holds private directories, checked: a directory (no link), owned by the effective uid
    /// or root, and writable by no one else unless sticky.
    static func runtimeDirectory(environment: [String: String], fallback: String?, executable: Bool) throws -> DirectoryHandle {
        var candidates: [String] = []
        if geteuid() == 0 {
            // Only where /run exists (Linux): tend does not make a top-level directory of its own.
            if access("/run", F_OK) == 0 { candidates.append("/run/tend") }
        } else if let runtime = environment["XDG_RUNTIME_DIR"], runtime.hasPrefix("/") {
            candidates.append(PathNormalizer.standardize(runtime) + "/tend")
        }
        if let fallback, fallback.hasPrefix("/") { candidates.append(PathNormalizer.standardize(fallback)) }
        candidates.append("/tmp")
        var lastError: Error = FileAccessError.system(operation: "find a runtime directory", path: "/tmp", errno: ENOENT)
        for candidate in candidates {
            do {
                let handle = try DirectoryHandle.open(candidate, creatingMode: candidate == "/tmp" ? nil : 0o700)
                var info = stat()
                guard fstat(handle.descriptor, &info) == 0, LinkTrust.trusts(directory: info) else {
                    lastError = FileAccessError.untrustedDirectory(path: candidate)
                    continue
                }
                if executable && !allowsExecution(handle) {
                    lastError = FileAccessError.system(operation: "run a helper from", path: candidate, errno: EACCES)
                    continue
                }
                return handle
            } catch {
                lastError = error
            }
        }
        throw lastError
    }

    /// False when the directory's file system is mounted `noexec`.
    static func allowsExecution(_ directory: DirectoryHandle) -> Bool {
        #if os(Linux)
        var info = statvfs()
        guard fstatvfs(directory.descriptor, &info) == 0 else { return true }
        // ST_NOEXEC (not exported by Glibc's Swift module).
        return info.f_flag & 8 == 0
        #else
        return true
        #endif
    }
}
