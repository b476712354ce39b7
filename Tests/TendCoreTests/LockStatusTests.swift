import Foundation
import Testing
@testable import TendCore
import TendTestSupport

/// `StateLock.status`, as `tend doctor` reads it: real `flock` on a real lock file, never taking the lock.
struct LockStatusTests {
    @Test func noLockFileIsFreeAndLookingCreatesNone() throws {
        let directory = try TemporaryHome(prefix: "tend-lock-status")
        let statePath = directory.path + "/state.db"
        #expect(StateLock.status(statePath: statePath) == .free)
        #expect(!FileManager.default.fileExists(atPath: statePath + ".lock"))
    }

    @Test func aHeldLockNamesItsHolderAndIsFreeAfterRelease() throws {
        let directory = try TemporaryHome(prefix: "tend-lock-status")
        let statePath = directory.path + "/state.db"
        let lock = StateLock(statePath: statePath)
        let holder = LockHolder(pid: getpid(), hostname: LocalProcess.hostname,
                                startedAt: Date(timeIntervalSince1970: 1_700_000_000), command: "tend apply")
        try lock.acquire(holder: holder, timeout: 0)
        #expect(StateLock.status(statePath: statePath) == .held(holder))
        // Looking did not take the lock from its holder, nor rewrite who it is.
        #expect(lock.isHeld)
        #expect(StateLock.holder(atPath: statePath + ".lock") == holder)
        lock.release()
        #expect(StateLock.status(statePath: statePath) == .free)
    }

    @Test func aLockThatNamesADeadProcessIsStale() async throws {
        let directory = try TemporaryHome(prefix: "tend-lock-status")
        let statePath = directory.path + "/state.db"
        // A pid that existed and is gone: a process that ran, ended and was reaped.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        let dead = LockHolder(pid: process.processIdentifier, hostname: LocalProcess.hostname,
                              startedAt: Date(timeIntervalSince1970: 1_700_000_000), command: "tend apply")
        try #require(LocalProcess.isGone(pid: dead.pid, hostname: dead.hostname), "pid \(dead.pid) was reused already")
        try directory.write("state.db.lock", StateLock.json(of: dead).compact + "\n", mode: 0o600)
        #expect(StateLock.status(statePath: statePath) == .stale(dead))
    }

    @Test func aLinkAtTheLockIsNeverFollowed() throws {
        let directory = try TemporaryHome(prefix: "tend-lock-status")
        let statePath = directory.path + "/state.db"
        try directory.write("elsewhere", "")
        try FileManager.default.createSymbolicLink(atPath: statePath + ".lock", withDestinationPath: directory.path + "/elsewhere")
        guard case .unreadable(let reason) = StateLock.status(statePath: statePath) else {
            Issue.record("a link at the lock was not reported")
            return
        }
        #expect(reason.contains("symbolic link"))
    }
}
