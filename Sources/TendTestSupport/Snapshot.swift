import Foundation

/// Golden-file checks: compares text with `Snapshots/NAME` beside the calling test file. With
/// `RECORD_SNAPSHOTS=1` the file is (re)written instead, and the check reports that it recorded.
public enum Snapshot {
    /// Nil when `actual` matches the snapshot (or was recorded); otherwise a message with both texts.
    public static func mismatch(_ actual: String, named name: String, testFile: String = #filePath) -> String? {
        let directory = (testFile as NSString).deletingLastPathComponent + "/Snapshots"
        let path = directory + "/" + name
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try? Data(actual.utf8).write(to: URL(fileURLWithPath: path))
            return nil
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return "no snapshot at \(path); run with RECORD_SNAPSHOTS=1 to record it. Actual output:\n\(actual)"
        }
        let expected = String(decoding: data, as: UTF8.self)
        if expected == actual { return nil }
        return "output differs from \(path) (re-record with RECORD_SNAPSHOTS=1 if the change is right)\n"
            + "--- expected\n\(expected)\n--- actual\n\(actual)"
    }
}
