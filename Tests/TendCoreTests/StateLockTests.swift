import Foundation
import Testing
@testable import TendCore
import TendTestSupport

@Suite struct StateLockTests {
    private func holder(_ command: String) -> LockHolder {
        LockHolder(pid: getpid(), hostname: LocalProcess.hostname, startedAt: Date(timeIntervalSince1970: 1_700_000_000),
                   command: command)
    }

    @Test func aSecondHolderIsRefusedWithTheFirstNamedThenGetsTheLockAfterRelease() throws {
        let directory = try TemporaryHome(prefix: "tend-lock")
        let statePath = directory.path + "/state.db"
        let first = StateLock(statePath: statePath)
        let second = StateLock(statePath: statePath)
        #expect(try first.acquire(holder: holder("tend apply -c a.yaml"), timeout: 0) == nil)
        #expect(first.isHeld)

        #expect {
            try second.acquire(holder: holder("tend apply -c b.yaml"), timeout: 0)
        } throws: { error in
            guard case StateError.locked(let path, let current?) = error else { return false }
            let text = "\(error)"
            return path == statePath && current.pid == getpid() && current.hostname == LocalProcess.hostname
                && current.command == "tend apply -c a.yaml"
                && current.startedAt == Date(timeIntervalSince1970: 1_700_000_000)
                && text.contains("another tend is applying with the state at \(statePath): pid \(getpid()) on \(LocalProcess.hostname)")
                && text.contains("`tend apply -c a.yaml`, since 2023-11-14T22:13:20Z")
        }
        #expect(!second.isHeld)

        first.release()
        #expect(!first.isHeld)
        #expect(try second.acquire(holder: holder("tend apply -c b.yaml"), timeout: 0) == nil,
                "a clean release leaves nothing to take over")
        #expect(StateLock.holder(atPath: second.path)?.command == "tend apply -c b.yaml")
        second.release()
        #expect(StateLock.holder(atPath: second.path) == nil, "release empties the holder line")
    }

    @Test func theLockFileIsPrivate() throws {
        let directory = try TemporaryHome(prefix: "tend-lock")
        let lock = StateLock(statePath: directory.path + "/state.db")
        try lock.acquire(holder: holder("tend apply"), timeout: 0)
        defer { lock.release() }
        var info = stat()
        #expect(stat(lock.path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(lock.path == directory.path + "/state.db.lock")
    }

    /// What the `waiting` callback saw, shared with the acquiring code.
    private final class Seen: @unchecked Sendable {
        var holders: [String?] = []
    }

    /// A waiting acquire first says it waits (naming the holder), and gives up with `locked` when the time-out
    /// passes: what it did is checked, not how long it took.
    @Test func aWaitingAcquireGivesUpAfterItsTimeout() throws {
        let directory = try TemporaryHome(prefix: "tend-lock")
        let statePath = directory.path + "/state.db"
        let first = StateLock(statePath: statePath)
        try first.acquire(holder: holder("first"), timeout: 0)
        defer { first.release() }
        let seen = Seen()
        let second = StateLock(statePath: statePath)
        #expect {
            try second.acquire(holder: holder("second"), timeout: 0.3, waiting: { seen.holders.append($0?.command) })
        } throws: { error in
            guard case StateError.locked(_, let holder) = error else { return false }
            return holder?.command == "first"
        }
        #expect(seen.holders == ["first"])
        #expect(!second.isHeld)
        #expect(first.isHeld)
    }

    /// The first holder lets go the moment the second starts to wait (from the `waiting` callback), so the second
    /// can only have the lock by waiting for it, whatever the machine's load.
    @Test func aWaitingAcquireGetsTheLockWhenItIsReleased() throws {
        let directory = try TemporaryHome(prefix: "tend-lock")
        let statePath = directory.path + "/state.db"
        let first = StateLock(statePath: statePath)
        try first.acquire(holder: holder("first"), timeout: 0)
        let seen = Seen()
        let second = StateLock(statePath: statePath)
        #expect(try second.acquire(holder: holder("second"), timeout: 600, waiting: { holder in
            seen.holders.append(holder?.command)
            first.release()
        }) == nil)
        #expect(seen.holders == ["first"])
        #expect(second.isHeld)
        #expect(!first.isHeld)
        second.release()
    }

    @Test func aLockHeldByAKilledProcessIsTakenOverWithANote() throws {
        let directory = try TemporaryHome(prefix: "tend-lock")
        let statePath = directory.path + "/state.db"
        let lockPath = statePath + ".lock"

        // The helper opens the lock file as fd 9, takes the flock, and execs sleep, so that the process holding
        // the lock is the one whose pid we kill.
        let helper = Process()
        helper.executableURL = URL(fileURLWithPath: "/bin/sh")
        helper.arguments = ["-c", #"exec 9>>"$1" && flock -x 9 && exec sleep 30"#, "sh", lockPath]
        try helper.run()
        defer {
            if helper.isRunning { kill(helper.processIdentifier, SIGKILL) }
        }
        let probe = StateLock(statePath: statePath)
        var held = false
        // Polls for the event (the helper holds the lock); the bound is a hang guard of about three minutes.
        for _ in 0..<9_000 where !held {
            do {
                try probe.acquire(holder: holder("probe"), timeout: 0)
                probe.release()
                usleep(20_000)
            } catch {
                held = true
            }
        }
        try #require(held, "the helper never took the lock")

        // Write the holder line as a tend holding the lock would have.
        let pid = helper.processIdentifier
        let dead = LockHolder(pid: pid, hostname: LocalProcess.hostname, startedAt: Date(timeIntervalSince1970: 1_700_000_000),
                              command: "tend apply -c killed.yaml")
        try Data((StateLock.json(of: dead).compact + "\n").utf8).write(to: URL(fileURLWithPath: lockPath))
        #expect { try StateLock(statePath: statePath).acquire(holder: holder("waiting"), timeout: 0) } throws: { error in
            guard case StateError.locked(_, let current?) = error else { return false }
            return current == dead
        }

        kill(pid, SIGKILL)
        helper.waitUntilExit()
        #expect(helper.terminationReason == .uncaughtSignal)

        let next = StateLock(statePath: statePath)
        let note = try next.acquire(holder: holder("tend apply"), timeout: 2)
        #expect(note == "took over the lock of pid \(pid) (started 2023-11-14T22:13:20Z, `tend apply -c killed.yaml`), which is no longer running")
        #expect(StateLock.holder(atPath: lockPath)?.command == "tend apply")
        next.release()
    }

    @Test func aHolderLineRoundTrips() throws {
        let current = LockHolder.current(command: "tend destroy", startedAt: Date(timeIntervalSince1970: 1_700_000_000.25))
        #expect(current.pid == getpid() && current.hostname == LocalProcess.hostname)
        let line = StateLock.json(of: current).compact
        #expect(StateLock.holder(from: try JSON.parse(line)) == current)
        #expect(StateLock.holder(from: try JSON.parse(#"{"pid": "x"}"#)) == nil)
    }
}
