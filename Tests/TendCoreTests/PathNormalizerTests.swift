import Testing
import TendTestSupport
@testable import TendCore

@Suite struct PathNormalizerTests {
    @Test(arguments: [
        ("/a/b", "/a/b"), ("/a//b/", "/a/b"), ("/a/./b", "/a/b"), ("/a/../b", "/b"), ("/..", "/"), ("a/../..", ".."),
        ("", "."), (".", "."), ("/", "/"), ("/a/...", "/a/..."), ("/a/.hidden", "/a/.hidden"), ("a/b/..", "a"),
    ])
    func standardize(path: String, expected: String) {
        #expect(PathNormalizer.standardize(path) == expected)
    }

    @Test func theFastPathAgreesWithTheSlowOne() {
        var generator = SeededGenerator(seed: 11)
        let pieces = ["/", "a", ".", "..", "...", ".x", "b", "//"]
        for _ in 0..<3000 {
            let path = (0..<Int.random(in: 0...7, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let slow = Self.slowStandardize(path)
            #expect(PathNormalizer.standardize(path) == slow, "\(path)")
            if PathNormalizer.isStandard(path) { #expect(slow == path, "\(path) is not standard") }
        }
    }

    /// The reference: split, resolve, join.
    static func slowStandardize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == ".." {
                if let last = parts.last, last != ".." { parts.removeLast(); continue }
                if absolute { continue }
            }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
    }

    @Test func addressFormUsesTilde() {
        #expect(PathNormalizer.addressForm("/home/me/src/", home: "/home/me") == "~/src")
        #expect(PathNormalizer.addressForm("/home/me", home: "/home/me") == "~")
        #expect(PathNormalizer.addressForm("/home/meat", home: "/home/me") == "/home/meat")
        #expect(PathNormalizer.addressForm("~/a/../b", home: "/home/me") == "~/b")
    }
}
