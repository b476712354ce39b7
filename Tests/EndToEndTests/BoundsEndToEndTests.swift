import Foundation
import Testing
import TendTestSupport

/// Inputs that used to eat the machine or hang (issue 10, "Unbounded inputs"), run against the built binary.
/// Each prints its peak memory and keeps it under `MeasuredRun.ceilingBytes`.
@Suite struct BoundsEndToEndTests {
    static func measure(_ name: String, _ home: TemporaryHome, _ arguments: [String]) async throws -> MeasuredRun.Output {
        let output = try await MeasuredRun(binary: TendBinary(home: home)).run(arguments)
        print("peak memory of \(name): " + String(format: "%.1f MiB", output.peakMiB))
        #expect(output.status != 137, "\(name) was killed after 300 s: it no longer ends")
        #expect(output.peakBytes < MeasuredRun.ceilingBytes,
                "\(name) peaked at \(output.peakMiB) MiB, above \(MeasuredRun.ceilingBytes >> 20) MiB")
        return output
    }

    /// A text of about `bytes` bytes in numbered lines.
    static func text(bytes: Int) -> String {
        var lines: [String] = []
        var size = 0
        while size < bytes {
            let line = "line \(lines.count) of a large file, with some words to fill it"
            size += line.utf8.count + 1
            lines.append(line)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test(arguments: [1 << 20, 5 << 20])
    func largeChangedFilePlansWithADiff(bytes: Int) async throws {
        let home = try TemporaryHome()
        let desired = Self.text(bytes: bytes)
        try home.write("wanted.txt", desired)
        var current = desired.replacingOccurrences(of: "\nline 100 of a large", with: "\nLINE 100 of a large")
        current = current.replacingOccurrences(of: "\nline 9000 of a large", with: "\nline nine thousand of a large")
        try home.write("big.txt", current)
        try home.write("tend.yaml", "tend: 1\nresources:\n  - type: file\n    path: ~/big.txt\n    source: ./wanted.txt\n")
        let output = try await Self.measure("plan of a \(bytes >> 20) MiB file with 2 changed lines", home, ["plan"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("Update ~/big.txt: 4 lines changed"))
        #expect(output.stdout.contains("-LINE 100 of a large"))
        #expect(output.stdout.contains("+line 9000 of a large"))
    }

    @Test func rewrittenLargeFilePlansWithASummary() async throws {
        let home = try TemporaryHome()
        let desired = Self.text(bytes: 5 << 20)
        try home.write("wanted.txt", desired)
        let current = desired.replacingOccurrences(of: "line ", with: "LINE ")
        try home.write("big.txt", current)
        try home.write("tend.yaml", "tend: 1\nresources:\n  - type: file\n    path: ~/big.txt\n    source: ./wanted.txt\n")
        let output = try await Self.measure("plan of a rewritten 5 MiB file", home, ["plan"])
        #expect(output.status == 0, "\(output.stderr)")
        let summary = "content differs, \(current.utf8.count) bytes -> \(desired.utf8.count) bytes"
        #expect(output.stdout.contains("    " + summary + "\n"))
        #expect(output.stdout.contains("Update ~/big.txt: content replaced (\(summary))"))
    }

    @Test func aHugeFileAtThePathIsNotRead() async throws {
        let home = try TemporaryHome()
        // Sparse: a gibibyte by its size, nothing on the disk.
        let path = try home.write("huge.bin", "")
        #expect(truncate(path, 1 << 30) == 0)
        try home.write("tend.yaml", "tend: 1\nresources:\n  - {type: file, path: ~/huge.bin, content: small}\n")
        let output = try await Self.measure("plan over a 1 GiB file", home, ["plan"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("the file is 1073741824 bytes, more than the 64 MiB tend compares"), "\(output.stdout)")
    }

    @Test func doublingVariablesStopAtTheCap() async throws {
        let home = try TemporaryHome()
        var config = "tend: 1\nvars:\n  v0: abcdefgh\n"
        for level in 1...39 { config += "  v\(level): ${vars.v\(level - 1)}${vars.v\(level - 1)}\n" }
        config += "resources:\n  - type: alias\n    name: big\n    value: ${vars.v39}\n"
        try home.write("tend.yaml", config)
        let output = try await Self.measure("validate of 39 doubling variables", home, ["validate"])
        #expect(output.status == 1)
        // v0 is 8 bytes: v17 (1 MiB) still fits, v18 would put 2 MiB into one value.
        #expect(output.stderr.contains("tend.yaml:21:19: error: interpolation makes this value longer than 1 MiB (1048576 bytes)"),
                "\(output.stderr)")
        #expect(output.stderr.components(separatedBy: "error:").count - 1 == 1, "\(output.stderr)")
    }

    /// A FIFO in the home, made with mkfifo(3); nobody ever writes to it.
    static func fifo(_ home: TemporaryHome, _ name: String) throws -> String {
        let path = home.path + "/" + name
        guard mkfifo(path, 0o600) == 0 else { throw POSIXError(.EEXIST) }
        return path
    }

    @Test func sourceMustBeARegularFile() async throws {
        let home = try TemporaryHome()
        let fifo = try Self.fifo(home, "pipe")
        try FileManager.default.createDirectory(atPath: home.path + "/folder", withIntermediateDirectories: true)
        try home.write("tend.yaml", """
            tend: 1
            resources:
              - {type: file, path: ~/from-zero, source: /dev/zero}
              - {type: file, path: ~/from-fifo, source: \(fifo)}
              - {type: file, path: ~/from-folder, source: ./folder}
            """)
        // Refused where the value is written, by validate, plan and apply alike, each named for what it is.
        let lines = [
            "tend.yaml:3:45: error: source /dev/zero of file:~/from-zero is a character device, not a regular file",
            "tend.yaml:4:45: error: source ~/pipe of file:~/from-fifo is a FIFO, not a regular file",
            "tend.yaml:5:47: error: source ~/folder of file:~/from-folder is a directory, not a regular file",
        ]
        for command in ["validate", "plan", "apply"] {
            let arguments = command == "apply" ? ["apply", "--yes"] : [command]
            let output = try await Self.measure("\(command) with source: /dev/zero, a FIFO and a directory", home, arguments)
            #expect(output.status == 1, "\(command): \(output.stdout)\n\(output.stderr)")
            for line in lines {
                #expect(output.stderr.contains(line), "\(command): \(output.stderr)")
            }
            #expect(output.stderr.contains("3 errors in tend.yaml"), "\(command): \(output.stderr)")
        }
        for made in ["from-zero", "from-fifo", "from-folder"] {
            #expect(!FileManager.default.fileExists(atPath: home.path + "/" + made))
        }
    }

    @Test func includeMustBeARegularFile() async throws {
        let home = try TemporaryHome()
        let fifo = try Self.fifo(home, "pipe.yaml")
        try FileManager.default.createDirectory(atPath: home.path + "/folder.yaml", withIntermediateDirectories: true)
        try home.write("tend.yaml", "tend: 1\ninclude: [/dev/zero, \(fifo), folder.yaml, missing.yaml]\nresources: []\n")
        let output = try await Self.measure("validate with include: of a device, a FIFO and a directory", home, ["validate"])
        #expect(output.status == 1)
        #expect(output.stderr.contains("tend.yaml:2:11: error: included file '/dev/zero' is a character device, not a regular file"),
                "\(output.stderr)")
        #expect(output.stderr.contains("error: included file '\(fifo)' is a FIFO, not a regular file"), "\(output.stderr)")
        #expect(output.stderr.contains("error: included file 'folder.yaml' is a directory, not a regular file"), "\(output.stderr)")
        #expect(output.stderr.contains("error: included file 'missing.yaml' not found"), "\(output.stderr)")
    }
}
