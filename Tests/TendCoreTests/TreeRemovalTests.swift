import Foundation
import Testing
import TendCore
import TendTestSupport

/// `DirectoryHandle.removeTree`, the module's `rm -rf`, on real directories: links inside are removed and never
/// followed, depth is bounded, and a second local user who swaps subdirectories for links to a root-owned
/// directory while root removes the tree never gets that directory emptied.
@Suite(.serialized) struct TreeRemovalTests {
    let home: TemporaryHome
    init() throws {
        home = try TemporaryHome(prefix: "tend-tree-removal")
        chmod(home.path, 0o755)
    }

    func path(_ relative: String) -> String { home.path + "/" + relative }

    /// A directory of root's with files, which no removal in these tests may touch.
    func rootDirectory() throws -> String {
        for index in 0..<5 { try home.write("root-only/secret-\(index)", "root's \(index)\n", mode: 0o600) }
        chmod(path("root-only"), 0o700)
        return path("root-only")
    }

    func expectIntact(_ directory: String, _ context: @autoclosure () -> String = "") {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        #expect(names.sorted() == (0..<5).map { "secret-\($0)" }, "\(context())")
        for index in 0..<5 {
            #expect(FileSystem().readText(directory + "/secret-\(index)") == "root's \(index)\n", "\(context())")
        }
        let status = FileSystem().status(directory)
        #expect(status?.kind == .directory && status?.mode == 0o700 && status?.uid == 0, "\(String(describing: status))")
    }

    @Test func aTreeGoesWithItsLinksButNotWhatTheyPointAt() throws {
        let outside = try rootDirectory()
        try home.write("tree/a/b/c/file", "x\n")
        try home.write("tree/a/file", "y\n")
        #expect(symlink(outside, path("tree/a/b/to-directory")) == 0)
        #expect(symlink(outside + "/secret-0", path("tree/to-file")) == 0)
        #expect(symlink("missing", path("tree/a/dangling")) == 0)
        #expect(mkfifo(path("tree/a/fifo"), 0o600) == 0)
        let parent = try DirectoryHandle.open(home.path)
        try parent.removeTree("tree")
        #expect(FileSystem().status(path("tree")) == nil)
        expectIntact(outside)
        // Nothing there is no error: a second removal is a no-op.
        try parent.removeTree("tree")
        // A plain file or link at the name goes as unlink would.
        #expect(symlink(outside, path("link")) == 0)
        try parent.removeTree("link")
        #expect(FileSystem().status(path("link")) == nil)
        expectIntact(outside)
    }

    @Test func aTreeDeeperThanTheLimitStopsWithAMessageAndKeepsItsTop() throws {
        var directory = try DirectoryHandle.open(home.path)
        let top = directory
        for _ in 0...DirectoryHandle.removalDepthLimit + 1 {
            directory = try directory.makeDirectory("d", mode: 0o755)
        }
        let error = #expect(throws: FileAccessError.self) { try top.removeTree("d") }
        #expect(error?.description.contains("more than \(DirectoryHandle.removalDepthLimit) directories deep") == true,
                "\(String(describing: error))")
        #expect(FileSystem().status(path("d"))?.kind == .directory)
    }

    /// The user put links to root's directory inside their own tree before the removal.
    @Test func linksAUserLeftInTheTreeAreRemovedNotFollowed() throws {
        try #require(LocalUser.unavailableReason == nil, "\(LocalUser.unavailableReason ?? "")")
        let user = try LocalUser.make(home: path("user"))
        let outside = try rootDirectory()
        try home.write("user/tree/sub/file", "mine\n")
        for relative in ["user/tree", "user/tree/sub", "user/tree/sub/file"] { try user.own(path(relative)) }
        try user.makeSymlink(path("user/tree/sub/escape"), to: outside)
        try user.makeSymlink(path("user/tree/secret"), to: outside + "/secret-1")
        try DirectoryHandle.open(user.home).removeTree("tree")
        #expect(FileSystem().status(path("user/tree")) == nil)
        expectIntact(outside)
    }

    /// The user swaps subdirectories of their tree for links to root's directory, over and over, while root
    /// removes the tree three times. Each removal finishes or stops with an error; root's files stay.
    @Test func aUserSwappingSubdirectoriesForLinksDuringTheRemovalNeverEmptiesRootsDirectory() async throws {
        try #require(LocalUser.unavailableReason == nil, "\(LocalUser.unavailableReason ?? "")")
        let user = try LocalUser.make(home: path("user"))
        let outside = try rootDirectory()
        // Trees are built where the user cannot write, then moved into the user's home whole: building in place
        // would let the loop steer the test's own writes.
        #expect(mkdir(path("staging"), 0o755) == 0)
        let started = path("started"), stop = path("stop")
        #expect(mkfifo(started, 0o600) == 0)
        try user.own(started)
        let script = """
            started=$1; stop=$2; tree=$3; target=$4
            echo started > "$started"
            rounds=0; swaps=0
            while [ "$rounds" -lt 1000000 ] && [ ! -e "$stop" ]; do
              for i in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19; do
                if [ -d "$tree/d$i" ] && [ ! -L "$tree/d$i" ]; then
                  mv "$tree/d$i" "$tree/moved$i-$rounds" 2>/dev/null && ln -s "$target" "$tree/d$i" 2>/dev/null &&
                    swaps=$((swaps + 1))
                fi
              done
              rounds=$((rounds + 1))
            done
            echo "$rounds $swaps"
            """
        let loop = Task { try await user.run(["/bin/sh", "-c", script, "loop", started, stop, user.home + "/tree", outside],
                                             timeout: 300) }
        defer { _ = FileManager.default.createFile(atPath: stop, contents: nil) }
        let ready = try await SystemProcessRunner().run(Command(["cat", started], timeout: 120))
        #expect(ready.output == "started\n")
        var outcomes: [String] = []
        for round in 0..<3 {
            let built = path("staging/tree")
            for directory in 0..<20 {
                for file in 0..<20 { try home.write("staging/tree/d\(directory)/nested/f\(file)", "\(round)\n") }
            }
            let owned = try FileManager.default.subpathsOfDirectory(atPath: built).map { built + "/" + $0 } + [built]
            for entry in owned { try user.own(entry) }
            #expect(rename(built, user.home + "/tree") == 0)
            do {
                try DirectoryHandle.open(user.home).removeTree("tree")
                outcomes.append("removed")
            } catch let error as FileAccessError {
                outcomes.append("\(error)")
            }
            expectIntact(outside, "round \(round): \(outcomes)")
            // What a stopped removal left is the user's; clear it (by handle too) for the next round.
            try? DirectoryHandle.open(user.home).removeTree("tree")
        }
        #expect(FileManager.default.createFile(atPath: stop, contents: nil))
        let counts = try await loop.value.output.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(counts.count == 2 && counts[0] > 0, "the user's loop never ran while root removed the tree: \(counts)")
        // How often the user won a swap depends on scheduling; what is asserted holds either way.
        print("tree removal under a racing user: loop rounds and swaps \(counts), outcomes \(outcomes)")
        expectIntact(outside)
    }
}
