import Testing
@testable import TendYAML

/// Hostile and damaged input: the parser must return a tree or throw a `YAMLError`, never crash or hang.
@Suite struct RobustnessTests {
    private static let config = """
        # tend config for a workstation
        tend: 1
        include: [base.yaml, "extra.yaml"]
        vars:
          bin: ~/.local/bin
          greeting: "héllo, wörld \\u263A"
        defaults: &defaults
          retry: {attempts: 3, backoff: 2.5}
          timeout: 30s
        resources:
          - type: apt
            packages: [git, curl, ripgrep]
            tags: [base, 'cli']
          - type: file
            path: ~/.gitignore_global
            content: |
              .DS_Store
              *.swp
            mode: "0644"
          - type: script
            <<: *defaults
            id: rustup
            check: command -v rustup   # exit 0 = present
            create: >-
              curl -sSf https://sh.rustup.rs
              | sh -s -- -y
            when: { os: linux, arch: [x86_64, aarch64] }
          - type: git-clone
            repository: https://example.com/me/dotfiles.git
            directory: ${vars.bin}/../src
            dependsOn: [apt:git]
            ? complex key
            : !!str 42
        ...
        """

    /// Bytes that steer mutations into YAML's syntax rather than only into plain text.
    private static let interesting: [UInt8] = Array("-:?[]{},#&*!|>'\"%@` \t\n\r\\~.0".utf8) + [0x00, 0x80, 0xC3, 0xE2, 0xFF]

    private static func mutate(_ bytes: [UInt8], using generator: inout SeededGenerator) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            let index = Int.random(in: 0...bytes.count, using: &generator)
            switch Int.random(in: 0..<4, using: &generator) {
            case 0 where index < bytes.count:
                bytes.remove(at: index)
            case 1:
                let byte = Bool.random(using: &generator)
                    ? interesting.randomElement(using: &generator)!
                    : UInt8.random(in: 0...255, using: &generator)
                bytes.insert(byte, at: index)
            case 2 where index < bytes.count:
                let end = min(bytes.count, index + Int.random(in: 1...40, using: &generator))
                let target = Int.random(in: 0...bytes.count, using: &generator)
                bytes.insert(contentsOf: bytes[index..<end], at: target)
            default:
                let byte = interesting.randomElement(using: &generator)!
                if index < bytes.count { bytes[index] = byte } else { bytes.append(byte) }
            }
        }
        return bytes
    }

    /// Parses `bytes`; a tree that comes back must also survive the emitter and read back with the same meaning.
    private static func check(_ bytes: [UInt8], parser: Parser = Parser()) -> (parsed: Bool, issue: String?) {
        let node: Node?
        do {
            node = try parser.parse(bytes: bytes)
        } catch is YAMLError {
            return (false, nil)
        } catch {
            return (false, "threw \(error)")
        }
        guard let node else { return (true, nil) }
        do {
            let text = try Emitter().emit(node)
            guard let again = try Parser(maxNodes: parser.maxNodes).parse(text) else {
                return (true, "emitted no document: \(text)")
            }
            // libyaml may pick another style than the one asked for (a block scalar for an empty value, plain
            // text with a tab); what each scalar means must not change.
            if let difference = firstDifference(node, again, byMeaning: true) {
                return (true, "round trip changed the tree at \(difference):\n\(text)")
            }
            return (true, nil)
        } catch {
            return (true, "emitting or reading back failed: \(error)")
        }
    }

    @Test func theSeedConfigParses() throws {
        let node = try parse(Self.config)
        #expect(node.keys == ["tend", "include", "vars", "defaults", "resources"])
        #expect(Self.check(Array(Self.config.utf8)).issue == nil)
    }

    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func mutatedConfigsParseOrThrowYAMLError(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        let original = Array(Self.config.utf8)
        var parsed = 0
        var failed = 0
        for round in 0..<80 {
            let bytes = Self.mutate(original, using: &generator)
            let (ok, issue) = Self.check(bytes)
            if ok { parsed += 1 } else { failed += 1 }
            if let issue {
                Issue.record("seed \(seed) round \(round): \(issue)\ninput: \(String(decoding: bytes, as: UTF8.self).debugDescription)")
            }
        }
        // Both outcomes must occur, or the mutations are not exercising anything.
        #expect(parsed > 10)
        #expect(failed > 10)
    }

    @Test func randomBytesParseOrThrowYAMLError() {
        var generator = SeededGenerator(seed: 99)
        for _ in 0..<200 {
            let length = Int.random(in: 0...64, using: &generator)
            let bytes = (0..<length).map { _ in
                Bool.random(using: &generator) ? Self.interesting.randomElement(using: &generator)! : UInt8.random(in: 0...127, using: &generator)
            }
            #expect(Self.check(bytes).issue == nil, "\(bytes)")
        }
    }

    @Test func truncatedConfigsParseOrThrowYAMLError() {
        let bytes = Array(Self.config.utf8)
        for end in stride(from: 0, through: bytes.count, by: 5) {
            #expect(Self.check(Array(bytes[..<end])).issue == nil, "prefix of \(end) bytes")
        }
    }

    @Test func pathologicalShapes() {
        let inputs: [String] = [
            String(repeating: "[", count: 5_000),
            String(repeating: "{", count: 5_000),
            String(repeating: "- ", count: 5_000),
            String(repeating: "? ", count: 2_000),
            String(repeating: "&a ", count: 1_000) + "x",
            String(repeating: "a: ", count: 1_000),
            String(repeating: "\"", count: 1_001),
            String(repeating: "'", count: 1_001),
            String(repeating: "!", count: 1_000),
            String(repeating: "*", count: 1_000),
            String(repeating: "#", count: 10_000),
            String(repeating: "\n", count: 10_000),
            String(repeating: "|", count: 1_000),
            "key: " + String(repeating: "x", count: 50_000),
            String(repeating: "k", count: 2_000) + ": v",
            (0..<500).map { "k\($0): &a\($0) [*a\(max(0, $0 - 1))]" }.joined(separator: "\n"),
            "a: &a [*a]",
            "%YAML 1.1\n%YAML 1.1\n---\na",
            "%TAG ! !\n--- !x y",
            "--- |0\n x",
            "--- >9\n x",
            "\u{FEFF}\u{FEFF}a: 1",
        ]
        for text in inputs {
            #expect(Self.check(Array(text.utf8), parser: Parser(maxNodes: 100_000)).issue == nil, "\(text.prefix(40).debugDescription)")
        }
    }
}
