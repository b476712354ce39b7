import Foundation
import Testing
import TendCore
import TendTestSupport
@testable import TendResources

/// `ContentFile` on real files in a temporary HOME: what it refuses to read, and a write that would lose an edit
/// made since the read.
@Suite struct ContentFileTests {
    @Test func refusesWhatIsNotBoundedUTF8TextInARegularFile() throws {
        let home = try TemporaryHome(prefix: "tend-content-file")
        let host = home.host()
        let binary = home.path + "/binary"
        try Data([0x66, 0xff, 0xfe, 0x0a]).write(to: URL(fileURLWithPath: binary))
        #expect(throws: ContentError.notText(path: "~/binary")) { try ContentFile.read(binary, host: host) }
        try FileManager.default.createDirectory(atPath: home.path + "/dir", withIntermediateDirectories: false)
        #expect(throws: ContentError.notAFile(path: "~/dir", kind: "a directory")) {
            try ContentFile.read(home.path + "/dir", host: host)
        }
        let large = home.path + "/large"
        #expect(FileManager.default.createFile(atPath: large, contents: nil))
        #expect(truncate(large, off_t(ContentFile.sizeLimit + 1)) == 0)
        #expect(throws: ContentError.tooLarge(path: "~/large", limit: ContentFile.sizeLimit)) {
            try ContentFile.read(large, host: host)
        }
        let missing = try ContentFile.read(home.path + "/no/such/file", host: host)
        #expect(!missing.exists && missing.text.isEmpty)
    }

    @Test func aWriteAfterSomeoneElsesEditIsRefusedAndTheEditStays() throws {
        let home = try TemporaryHome(prefix: "tend-content-race")
        let host = home.host()
        let path = try home.write("conf", "a = 1\n", mode: 0o640)
        let file = try ContentFile.read(path, host: host)
        try home.write("conf", "a = 1\nmine = 2\n")
        #expect(throws: ContentError.changedMeanwhile(path: "~/conf")) {
            try file.write("a = 3\n", newMode: 0o644, host: host)
        }
        #expect(FileSystem().readText(path) == "a = 1\nmine = 2\n")

        let fresh = try ContentFile.read(path, host: host)
        try fresh.write("a = 3\nmine = 2\n", newMode: 0o644, host: host)
        #expect(FileSystem().readText(path) == "a = 3\nmine = 2\n")
        #expect(FileSystem().status(path)?.mode == 0o640, "the file's own mode is kept")

        let created = try ContentFile.read(home.path + "/.ssh/new", host: host)
        try created.write("x\n", newMode: 0o600, directoryMode: 0o700, host: host)
        #expect(FileSystem().status(home.path + "/.ssh")?.mode == 0o700)
        #expect(FileSystem().status(home.path + "/.ssh/new")?.mode == 0o600)
    }
}
