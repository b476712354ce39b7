/// A POSIX ustar archive written in memory: the bundle shipped to each host. Written here rather than by a
/// local `tar`, so the bundle holds exactly the files chosen (regular files and directories, no links, no
/// owners), costs no process, and gets each host's own variables file added without a second archive.
struct TarArchive {
    private(set) var bytes: [UInt8] = []

    enum Entry { case directory, file([UInt8]) }

    /// Adds `path` (relative, `/`-separated). Long paths go in the ustar prefix field (155 + 100 bytes).
    mutating func add(_ path: String, _ entry: Entry, mode: Int) throws(FleetError) {
        var name = Array(path.utf8)
        if case .directory = entry { name.append(UInt8(ascii: "/")) }
        var prefix: [UInt8] = []
        if name.count > 100 {
            // Split at a slash so that the last part fits in the 100-byte name field.
            guard let cut = name.indices.last(where: { name[$0] == UInt8(ascii: "/") && name.count - $0 - 1 <= 100
                                                        && $0 <= 155 && $0 > 0 }) else {
                throw .bundle("the path '\(path)' is too long to ship (ustar holds 255 bytes, in parts of 155 and 100)")
            }
            prefix = Array(name[..<cut])
            name = Array(name[(cut + 1)...])
        }
        var header = [UInt8](repeating: 0, count: 512)
        func put(_ field: [UInt8], at offset: Int) {
            for (index, byte) in field.enumerated() { header[offset + index] = byte }
        }
        func octal(_ value: Int, width: Int) -> [UInt8] {
            let digits = String(value, radix: 8)
            return Array((String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits).utf8) + [0]
        }
        let content: [UInt8]
        if case .file(let data) = entry { content = data } else { content = [] }
        put(name, at: 0)
        put(octal(mode, width: 8), at: 100)
        put(octal(0, width: 8), at: 108)
        put(octal(0, width: 8), at: 116)
        put(octal(content.count, width: 12), at: 124)
        put(octal(0, width: 12), at: 136)
        put(Array(repeating: UInt8(ascii: " "), count: 8), at: 148)
        if case .directory = entry { header[156] = UInt8(ascii: "5") } else { header[156] = UInt8(ascii: "0") }
        put(Array("ustar".utf8) + [0], at: 257)
        put(Array("00".utf8), at: 263)
        put(prefix, at: 345)
        let checksum = header.reduce(0) { $0 + Int($1) }
        put(octal(checksum, width: 7) + [UInt8(ascii: " ")], at: 148)
        bytes += header
        bytes += content
        let padding = (512 - content.count % 512) % 512
        bytes += [UInt8](repeating: 0, count: padding)
    }

    /// The archive with its end marker (two zero blocks).
    func finished() -> [UInt8] {
        bytes + [UInt8](repeating: 0, count: 1024)
    }
}
