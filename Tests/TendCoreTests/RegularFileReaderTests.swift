import Foundation
import Testing
import TendCore
import TendTestSupport

/// What `source:` and `include:` refuse, named for what it is: the reader and the plan-time check share one
/// naming function, so validate, plan and apply say the same words.
@Suite struct RegularFileReaderTests {
    let home: TemporaryHome
    init() throws {
        home = try TemporaryHome(prefix: "tend-regular")
    }

    func path(_ name: String) -> String { home.path + "/" + name }

    /// A unix socket bound at `path` (closed again; the file stays, as after a daemon that died).
    func makeSocket(_ path: String) throws {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0, "socket(2) failed: \(String(cString: strerror(errno)))")
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        try #require(bytes.count < MemoryLayout.size(ofValue: address.sun_path), "socket path too long: \(path)")
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(bound == 0, "bind(2) failed: \(String(cString: strerror(errno)))")
    }

    @Test func eachKindIsNamedTheSameByTheCheckAndByTheReader() throws {
        try home.write("regular", "bytes\n")
        #expect(mkfifo(path("fifo"), 0o600) == 0)
        try FileManager.default.createDirectory(atPath: path("folder"), withIntermediateDirectories: false)
        try makeSocket(path("socket"))
        #expect(symlink("/dev/null", path("link-to-null")) == 0)
        let expected = [
            "/dev/zero": "a character device", path("link-to-null"): "a character device", path("fifo"): "a FIFO",
            path("folder"): "a directory", path("socket"): "a socket",
        ]
        for (path, kind) in expected {
            #expect(RegularFileReader.kindName(at: path) == kind, "\(path)")
            #expect(throws: RegularFileError.notRegular(path, kind: kind), "\(path)") {
                _ = try RegularFileReader.read(path, limit: 1 << 20)
            }
        }
        #expect(RegularFileError.notRegular("/dev/zero", kind: "a character device").description
                == "/dev/zero is a character device, not a regular file")
        #expect(RegularFileReader.kindName(at: path("regular")) == nil)
        #expect(RegularFileReader.kindName(at: path("missing")) == nil)
        #expect(try RegularFileReader.read(path("regular"), limit: 1 << 20) == Array("bytes\n".utf8))
    }

    @Test func aBlockDeviceIsNamedAsOne() throws {
        try #require(geteuid() == 0, "making a device node needs root; CI runs the tests as root")
        // A loop device's numbers; the node is only looked at, never opened for its contents.
        try #require(mknod(path("block"), S_IFBLK | 0o600, dev_t(7 << 8)) == 0,
                     "mknod failed: \(String(cString: strerror(errno)))")
        #expect(RegularFileReader.kindName(at: path("block")) == "a block device")
    }
}
