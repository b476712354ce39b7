import ArgumentParser

/// The options `tend fleet plan` and `tend fleet apply` share.
struct FleetOptions: ParsableArguments {
    @Option(name: [.customShort("i"), .long], help: ArgumentHelp("The inventory (default: ./fleet.yaml).",
                                                                 valueName: "file"))
    var inventory = "fleet.yaml"

    @Option(help: ArgumentHelp("Only hosts whose name or group matches this shell pattern (commas separate several).",
                               valueName: "pattern"))
    var hosts: String?

    @Option(help: ArgumentHelp("How many hosts to work on at once.", valueName: "n"))
    var parallel = 8

    @Option(name: .customLong("ssh-config"), help: ArgumentHelp(
        "An ssh config file to use instead of ~/.ssh/config (ssh -F).", valueName: "file"))
    var sshConfig: String?

    func validate() throws {
        guard parallel >= 1 else { throw ValidationError("--parallel must be at least 1") }
    }
}
