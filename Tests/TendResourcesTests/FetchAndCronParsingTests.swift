import Testing
@testable import TendResources

/// The pure parts of the fetch and cron types, in addition to their end-to-end tests: tend's crontab block
/// leaves the user's lines byte for byte, archive member names that climb out are refused, and gpg's colon
/// listing (a key with a subkey, in gpg's --with-colons format) gives the primary key's fingerprint only.
@Suite struct FetchAndCronParsingTests {
    @Test func theUsersCrontabLinesSurviveABlockRewrite() {
        let users = "MAILTO=\"\"\n# mine\n*/5 * * * *\techo a\\%b\n"
        var block = CrontabBlock(parsing: users)
        #expect(block.text == users)
        let line = CrontabBlock.line(schedule: "30 2 * * *", command: "date +%F")
        #expect(line == "30 2 * * * date +\\%F")
        block.entries.append(CrontabBlock.Entry(id: "nightly", schedule: "30 2 * * *", command: "date +%F", line: line))
        let written = block.text + "# after, the user's too\n"
        let reread = CrontabBlock(parsing: written)
        #expect(reread.before == users)
        #expect(reread.after == "# after, the user's too\n")
        #expect(reread.entries.map(\.command) == ["date +%F"])
        #expect(reread.entries.map(\.schedule) == ["30 2 * * *"])
        var emptied = reread
        emptied.entries = []
        #expect(emptied.text == users + "# after, the user's too\n")
    }

    @Test(arguments: [("../x", false), ("a/../../x", false), ("/etc/passwd", false), ("a/b/c", true), ("a..b/c", true)])
    func memberNames(name: String, allowed: Bool) {
        #expect((ArchiveFormat.memberProblem(name) == nil) == allowed)
    }

    @Test func theFormatComesFromTheURLsName() {
        #expect(ArchiveFormat.from(url: "https://x/a.tgz?sig=1") == .tarGz)
        #expect(ArchiveFormat.from(url: "https://x/a.TAR.XZ") == .tarXz)
        #expect(ArchiveFormat.from(url: "https://x/a.zip#f") == .zip)
        #expect(ArchiveFormat.from(url: "https://x/a.tar.bz2") == nil)
    }

    @Test func onlyThePrimaryFingerprintCounts() {
        let listing = """
            pub:-:255:22:3AA5C34371567BD2:1700000000:::-:::scSC::::::23::0:
            fpr:::::::::8F3C2F0E9A1B2C3D4E5F60718293A4B5C6D7E8F9:
            uid:-::::1700000000::0123456789ABCDEF0123456789ABCDEF01234567::tend tests <tests@example.com>::::::::::0:
            sub:-:255:18:1122334455667788:1700000000::::::e::::::23:
            fpr:::::::::AAAABBBBCCCCDDDDEEEEFFFF0000111122223333:
            """
        #expect(KeyringCheck.primaryFingerprints(listing) == ["8F3C2F0E9A1B2C3D4E5F60718293A4B5C6D7E8F9"])
        #expect(AptSourcesFile.normalizedFingerprint("8f3c 2f0e 9a1b 2c3d 4e5f  6071 8293 a4b5 c6d7 e8f9")
                == "8F3C2F0E9A1B2C3D4E5F60718293A4B5C6D7E8F9")
        #expect(AptSourcesFile.normalizedFingerprint("3AA5C34371567BD2") == nil)
    }
}
