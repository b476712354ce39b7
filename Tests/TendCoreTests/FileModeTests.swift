import Testing
@testable import TendCore

/// Permission bits as written in a config: 3 to 5 octal digits, optionally after `0o`, at most 0o7777.
@Suite struct FileModeTests {
    @Test(arguments: [
        ("644", 0o644), ("0644", 0o644), ("0o644", 0o644), ("0755", 0o755), ("7777", 0o7777), ("000", 0),
        ("00600", 0o600), ("0o4755", 0o4755),
    ] as [(String, Int)])
    func readsOctal(text: String, bits: Int) {
        #expect(FileMode(text)?.bits == bits)
    }

    @Test(arguments: ["", "64", "0968", "rwx------", "17777", "000644", "0o", "0o64", "-644", "+644", "0x644", "６４４", " 644"])
    func refusesAnythingElse(text: String) {
        #expect(FileMode(text) == nil)
    }

    @Test func writesFourDigits() {
        #expect(FileMode(bits: 0o644).description == "0644")
        #expect(FileMode(bits: 0o4755).description == "4755")
        #expect(FileMode(bits: 0).description == "0000")
    }
}
