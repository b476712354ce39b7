import Foundation

extension FileStatus {
    /// The status `stat`, `lstat`, `fstat` or `fstatat` filled in.
    init(_ info: stat) {
        let kind: Kind
        switch info.st_mode & S_IFMT {
        case S_IFREG: kind = .file
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symlink
        default: kind = .other
        }
        self.init(kind: kind, mode: Int(info.st_mode) & 0o7777, uid: info.st_uid, gid: info.st_gid, size: Int(info.st_size))
    }
}
