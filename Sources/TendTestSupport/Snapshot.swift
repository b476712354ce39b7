import Foundation

/// Golden-file checks: compares text with `Snapshots/NAME` beside the calling test file. With
/// `RECORD_SNAPSHOTS=1` the file is (re)written instead, and the check fails saying it recorded: a recording
/// run checks nothing, so it must never look like a passing one.
public enum Snapshot {
    /// Nil only when `actual` matches the snapshot; otherwise a message with both texts, or the recording made.
    public static func mismatch(_ actual: String, named name: String, testFile: String = #filePath) -> String? {
        let directory = (testFile as NSString).deletingLastPathComponent + "/Snapshots"
        let path = directory + "/" + name
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                try Data(actual.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                return "could not record \(path): \(error)"
            }
            return Snapshot.recordedMessage(path)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return "no snapshot at \(path); run with RECORD_SNAPSHOTS=1 to record it. Actual output:\n\(actual)"
        }
        let expected = String(decoding: data, as: UTF8.self)
        if expected == actual { return nil }
        return "output differs from \(path) (re-record with RECORD_SNAPSHOTS=1 if the change is right)\n"
            + "--- expected\n\(expected)\n--- actual\n\(actual)"
    }

    /// What a recording run reports for each file it wrote, so that it fails and says what to do next.
    public static func recordedMessage(_ path: String) -> String {
        "recorded \(path) (RECORD_SNAPSHOTS=1); review the change and run again without RECORD_SNAPSHOTS to check"
    }
}
