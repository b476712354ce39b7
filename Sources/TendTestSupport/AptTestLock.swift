import Foundation

/// Serialises the tests that install and remove real Debian packages, across suites (which run in parallel)
/// and across test processes: they share dpkg's lock and the small packages they use.
public enum AptTestLock {
    public static func exclusively<T>(_ body: () async throws -> T) async throws -> T {
        let descriptor = open(NSTemporaryDirectory() + "/tend-package-apply-tests.lock", O_CREAT | O_RDWR, 0o644)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteNoPermission) }
        defer { close(descriptor) }
        // Poll without blocking: a blocked cooperative thread can starve the very test that holds the lock.
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        return try await body()
    }
}
