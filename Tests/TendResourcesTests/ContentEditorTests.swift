import Foundation
import Testing
import TendCore
@testable import TendResources

/// The editors behind the content types, on hostile text: CRLF, no final newline, comments that look like
/// syntax, duplicate keys, deep nesting. Every edit must leave the bytes outside its fragment as they were.
@Suite struct ContentEditorTests {
    func resource(_ type: String, _ parameters: [String: Value], ensure: ResourceSpec.Ensure = .present) -> ResourceSpec {
        ResourceSpec(address: Address(type: type, key: "k"), type: type, parameters: parameters, ensure: ensure,
                     location: SourceLocation(file: "tend.yaml", mark: .start))
    }

    // MARK: Lines

    @Test func textLinesGiveBackTheSameBytes() {
        for text in ["", "a", "a\n", "a\r\nb", "\n\n", "é\r\n\u{301}\n", "no newline\r"] {
            #expect(TextLines(text).text.utf8.elementsEqual(text.utf8), "\(text.debugDescription)")
        }
    }

    @Test func lineInFileAddsReplacesAndRemovesOnlyItsLine() throws {
        let type = LineInFileResource()
        let plain = resource("line-in-file", ["line": .string("x=1"), "path": .string("/f")])
        #expect(try type.placing(plain, in: "a\r\nb", path: "f") == "a\r\nb\r\nx=1\r\n")
        #expect(try type.placing(plain, in: "x=1\r\n", path: "f") == "x=1\r\n")
        #expect(try type.removing(plain, from: "x=1\nkeep\nx=1\r\nx=12\n", path: "f") == "keep\nx=12\n")
        let matched = resource("line-in-file", ["line": .string("x=1"), "path": .string("/f"), "match": .string("^x=")])
        #expect(try type.placing(matched, in: "x=0\r\ny\nx=5\n", path: "f") == "x=0\r\ny\nx=1\n")
        #expect(try type.fragment(of: matched, in: "x=0\r\nx=5\r\n", path: "f") == "x=5")
        #expect(try type.restoring("x=5", for: matched, in: "a\nx=1\r\nb", path: "f") == "a\nx=5\r\nb")
        #expect(!LineInFileResource.checks(resource("line-in-file", ["line": .string("a\nb"), "match": .string("(")])).isEmpty)
    }

    // MARK: Blocks

    @Test func blockInFileRefusesAnUnterminatedOrRepeatedBlock() throws {
        let type = BlockInFileResource()
        let block = resource("block-in-file", ["name": .string("p"), "path": .string("/f"), "block": .string("one\n")])
        #expect(throws: ContentError.self) { try type.fragment(of: block, in: "# BEGIN tend: p\nx\n", path: "f") }
        #expect(throws: ContentError.self) {
            try type.fragment(of: block, in: "# BEGIN tend: p\n# END tend: p\n# BEGIN tend: p\n# END tend: p\n", path: "f")
        }
        let text = "before\r\n# BEGIN tend: p\r\nold\r\n# END tend: p\r\nafter"
        let placed = try type.placing(block, in: text, path: "f")
        #expect(placed == "before\r\n# BEGIN tend: p\r\none\r\n# END tend: p\r\nafter")
        #expect(try type.removing(block, from: placed, path: "f") == "before\r\nafter")
        let custom = resource("block-in-file", ["name": .string("p"), "path": .string("/f"), "block": .string("x"),
                                                "marker": .string("<!-- {mark} {name} -->")])
        #expect(try type.placing(custom, in: "", path: "f") == "<!-- BEGIN p -->\nx\n<!-- END p -->\n")
        #expect(!BlockInFileResource.checks(resource("block-in-file", ["name": .string("p"), "marker": .string("# tend"),
                                                                       "block": .string("x")])).isEmpty)
    }

    // MARK: INI

    @Test func iniEditsOnlyTheValueBytes() {
        var document = IniDocument("top=1\n[a]\n  key  =  old value ; not a comment\r\n# key = commented\n\n[b]\nkey=b\n")
        #expect(document.value(section: "a", key: "key") == "old value ; not a comment")
        #expect(document.value(section: nil, key: "top") == "1")
        #expect(document.value(section: "a", key: "# key") == nil)
        document.set(section: "a", key: "key", value: "new")
        #expect(document.text == "top=1\n[a]\n  key  =  new\r\n# key = commented\n\n[b]\nkey=b\n")
        document.set(section: "a", key: "added", value: "2")
        #expect(document.text == "top=1\n[a]\n  key  =  new\r\n# key = commented\nadded = 2\n\n[b]\nkey=b\n")
        document.set(section: "b", key: "more", value: "3")
        #expect(document.text.hasSuffix("[b]\nkey=b\nmore=3\n"))
        document.set(section: "new", key: "k", value: "v")
        #expect(document.text.hasSuffix("more=3\n\n[new]\nk=v\n"))
        document.remove(section: "a", key: "added")
        document.remove(section: "new", key: "k")
        #expect(document.text == "top=1\n[a]\n  key  =  new\r\n# key = commented\n\n[b]\nkey=b\nmore=3\n\n[new]\n")
        var empty = IniDocument("")
        empty.set(section: nil, key: "k", value: "v")
        #expect(empty.text == "k = v\n")
        #expect(IniSettingResource.checks(resource("ini-setting", ["key": .string("a=b"), "section": .string("x]"),
                                                                    "value": .string("v\n")])).count == 3)
    }

    // MARK: JSON with comments

    @Test func jsoncSetsAddsAndRemovesWithoutTouchingComments() throws {
        let text = """
            {
            \t// "key": "in a comment"
            \t"a": "x /* not a comment */", /* between */
            \t"nested": { "deep": [1, {"k": null}] },
            \t"b": 1
            }
            """
        let document = try JSONCDocument(text, path: "f")
        #expect(try document.value(within: [], key: "a", path: "f") == .string("x /* not a comment */"))
        #expect(try document.value(within: [], key: "key", path: "f") == nil)
        let set = try document.setting(within: [], key: "b", to: .bool(true), path: "f")
        #expect(set == text.replacingOccurrences(of: "\"b\": 1", with: "\"b\": true"))
        let added = try JSONCDocument(set, path: "f").setting(within: ["nested"], key: "more", to: .int(2), path: "f")
        #expect(added.contains("\"nested\": { \"deep\": [1, {\"k\": null}], \"more\": 2 },"), "\(added)")
        let created = try JSONCDocument(text, path: "f").setting(within: ["[py]"], key: "on", to: .bool(true), path: "f")
        #expect(created.hasSuffix("\t\"b\": 1,\n\t\"[py]\": {\n\t\t\"on\": true\n\t}\n}"), "\(created)")
        let removed = try JSONCDocument(text, path: "f").removing(within: [], key: "b", path: "f")
        #expect(removed == """
            {
            \t// "key": "in a comment"
            \t"a": "x /* not a comment */", /* between */
            \t"nested": { "deep": [1, {"k": null}] }
            }
            """, "\(removed)")
        #expect(try JSONCDocument("", path: "f").setting(within: [], key: "k", to: .string("v"), path: "f")
            == "{\n    \"k\": \"v\"\n}\n")
    }

    @Test(arguments: ["{", "{\"a\": }", "{\"a\": 1 \"b\": 2}", "[1]", "{\"a\": \"\u{1}\"}", "{} x", "/* open",
                      "{\"a\": \"\\ud800\"}", String(repeating: "{\"a\":", count: 100) + "1" + String(repeating: "}", count: 100)])
    func jsoncRefusesHostileText(_ text: String) {
        #expect(throws: ContentError.self) { try JSONCDocument(text, path: "f") }
    }
}

/// The ssh, known_hosts and hosts editors on hostile text.
@Suite struct ContentSystemEditorTests {
    @Test func sha1AndHMACMatchTheirPublishedVectors() {
        func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
        #expect(hex(SHA1.digest(Array("abc".utf8))) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(hex(SHA1.digest([])) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        // RFC 2202, test cases 1 and 6 (a key longer than a block).
        #expect(hex(SHA1.hmac(key: [UInt8](repeating: 0x0b, count: 20), message: Array("Hi There".utf8)))
            == "b617318655057264e28bc0b6fb378c8ef146be00")
        #expect(hex(SHA1.hmac(key: [UInt8](repeating: 0xaa, count: 80),
                              message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)))
            == "aa4ae5e15272d00e95705637ce8a3b55ed402112")
    }

    @Test func knownHostsFindsPlainSharedAndHashedNamesButNotMarkers() {
        let salt = [UInt8](repeating: 7, count: 20)
        let hashed = "|1|" + Data(salt).base64EncodedString() + "|"
            + Data(SHA1.hmac(key: salt, message: Array("h.example".utf8))).base64EncodedString()
        let text = "@revoked h.example ssh-ed25519 REVOKED\n# h.example ssh-ed25519 COMMENT\n"
            + "a.example,H.Example ssh-ed25519 SHARED comment here\r\n\(hashed) ssh-rsa RSA\n|1|bad ssh-ed25519 X\n"
        var document = KnownHostsDocument(text)
        #expect(document.entries(host: "h.example", keyType: "ssh-ed25519").map(\.key) == ["SHARED"])
        #expect(document.entries(host: "h.example", keyType: "ssh-rsa").map(\.key) == ["RSA"])
        document.set(host: "h.example", keyType: "ssh-rsa", key: "NEW")
        #expect(document.text.contains("\(hashed) ssh-rsa NEW\n"))
        document.remove(host: "h.example", keyType: "ssh-ed25519")
        #expect(document.text.contains("\na.example ssh-ed25519 SHARED comment here\r\n"), "\(document.text)")
        document.remove(host: "h.example", keyType: "ssh-rsa")
        #expect(!document.text.contains("NEW"))
        #expect(document.text.hasPrefix("@revoked h.example ssh-ed25519 REVOKED\n# h.example ssh-ed25519 COMMENT\n"))
    }

    @Test func sshConfigBlocksEndAtTheNextHostOrMatch() {
        var document = SshConfigDocument("Host=a\n  user x\n\nMatch host b\n  User y\nHost *\n  User z")
        #expect(document.options("a") == ["user": "x"])
        #expect(document.body("b") == nil)
        document.set("c", body: ["    User c"])
        #expect(document.text == "Host=a\n  user x\n\nMatch host b\n  User y\nHost c\n    User c\n\nHost *\n  User z")
        document.remove("c")
        #expect(document.text == "Host=a\n  user x\n\nMatch host b\n  User y\nHost *\n  User z")
        document.set("a", body: ["    User n"])
        #expect(document.text.hasPrefix("Host=a\n    User n\n\nMatch"))
        #expect(!SshConfigHostResource.checks(ResourceSpec(
            address: Address(type: "ssh-config-host", key: "x"), type: "ssh-config-host",
            parameters: ["host": .string("x"), "options": .map(["Bad Key": .string("1"), "Match": .string("all")])],
            location: SourceLocation(file: "t", mark: .start))).isEmpty)
    }

    @Test func hostsEntriesIgnoreCommentsAndKeepTheirOwn() {
        var document = HostsFileDocument("# 10.0.0.5 commented\n10.0.0.5\n::1 localhost ip6-localhost # v6\n")
        #expect(document.entry("10.0.0.5")?.names == [])
        #expect(document.entry("::1")?.names == ["localhost", "ip6-localhost"])
        document.set("10.0.0.5", names: ["db"])
        document.set("::1", names: ["localhost"])
        document.set("10.0.0.9", names: ["new", "n"])
        #expect(document.text == "# 10.0.0.5 commented\n10.0.0.5\tdb\n::1 localhost # v6\n10.0.0.9\tnew n\n")
        document.remove("10.0.0.9")
        #expect(document.text == "# 10.0.0.5 commented\n10.0.0.5\tdb\n::1 localhost # v6\n")
    }
}
