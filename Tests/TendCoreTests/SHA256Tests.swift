import Testing
@testable import TendCore

@Suite struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func knownVectors(input: String, hex: String) {
        #expect(SHA256.digest(input) == "sha256:" + hex)
        #expect(SHA256.digest(Array(input.utf8)) == "sha256:" + hex)
    }

    @Test func millionAs() {
        let input = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        var hasher = SHA256()
        input.withUnsafeBytes { hasher.update(buffer: $0) }
        #expect(SHA256.hex(hasher.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func bufferAndSequenceUpdatesAgree() {
        for length in [0, 1, 55, 56, 63, 64, 65, 127, 128, 1000] {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            var a = SHA256()
            a.update(bytes)
            var b = SHA256()
            bytes.prefix(length / 3).withUnsafeBytes { b.update(buffer: $0) }
            Array(bytes.dropFirst(length / 3)).withUnsafeBytes { b.update(buffer: $0) }
            #expect(a.finalize() == b.finalize())
        }
    }
}
