import Foundation
import Testing
import TendCore
import TendTestSupport

@Suite struct SecretKeyFileTests {
    @Test func madeOnceWithMode0600AndReused() throws {
        let home = try TemporaryHome()
        let state = home.path + "/state/tend/state.db"
        let first = try SecretKeyFile.digest(forState: state)
        let second = try SecretKeyFile.digest(forState: state)
        #expect(first.digest("hunter2") == second.digest("hunter2"))
        #expect(first.digest("hunter2") != SecretDigest.ephemeral.digest("hunter2"))
        var info = stat()
        #expect(lstat(SecretKeyFile.path(forState: state), &info) == 0)
        #expect(info.st_mode & 0o7777 == 0o600)
        #expect(info.st_size == 32)
        #expect(try FileManager.default.contentsOfDirectory(atPath: home.path + "/state/tend").sorted() == ["state.db.hmac-key"])
    }

    @Test func aSymlinkedKeyIsRefused() throws {
        let home = try TemporaryHome()
        let state = home.path + "/state.db"
        let elsewhere = try home.write("elsewhere", String(repeating: "k", count: 32), mode: 0o600)
        #expect(symlink(elsewhere, SecretKeyFile.path(forState: state)) == 0)
        #expect {
            _ = try SecretKeyFile.digest(forState: state)
        } throws: { error in
            "\(error)".contains("it is a symbolic link; remove it and tend makes a new one")
        }
    }

    @Test func aKeyOthersMayReadIsRefused() throws {
        let home = try TemporaryHome()
        let state = home.path + "/state.db"
        try home.write("state.db.hmac-key", String(repeating: "k", count: 32), mode: 0o644)
        #expect {
            _ = try SecretKeyFile.digest(forState: state)
        } throws: { error in
            "\(error)".contains("others may read or write it (mode 644)")
        }
    }
}
