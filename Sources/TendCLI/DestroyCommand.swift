import ArgumentParser
import TendCore

/// `tend destroy ADDRESS... | --all`: remove resources of the config, in reverse dependency order.
struct DestroyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "destroy",
        abstract: "Remove resources the config declares.",
        discussion: """
        Destroys the named resources (ensure: absent for this run), dependents first. With --all, every \
        resource tend created is destroyed, and what was already there when tend adopted it is released: \
        originals tend overwrote are put back, and everything else is left as it is.

        Examples:
          tend destroy apt:sl
          tend destroy file:~/.gitignore_global alias:gs
          tend destroy --all --yes
        """
    )

    @OptionGroup var options: ConfigOptions
    @OptionGroup var run: RunOptions
    @OptionGroup var stateOptions: StateOptions

    @Argument(help: ArgumentHelp("Addresses to destroy, e.g. apt:sl or file:~/.vimrc.", valueName: "address"),
              completion: .custom { _, _, _ in AddressCompletion.addresses() })
    var addresses: [String] = []

    @Flag(help: "Destroy every resource of the config that tend created.")
    var all = false

    func validate() throws {
        if all == !addresses.isEmpty {
            throw ValidationError(all ? "give addresses or --all, not both" : "name the resources to destroy, or pass --all")
        }
    }

    func run() async throws {
        let runner = ApplyRunner(options: options, run: run, state: stateOptions, command: "tend destroy")
        try await runner.execute { host in
            let parsed = try addresses.map { text -> Address in
                guard let address = Address(parsing: text, home: host.home) else {
                    throw ValidationError("'\(text)' is not an address: write TYPE:KEY, e.g. apt:sl")
                }
                return address
            }
            return .destroy(parsed, all: all)
        }
    }
}
