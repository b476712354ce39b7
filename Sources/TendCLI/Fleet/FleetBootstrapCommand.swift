import ArgumentParser
import Foundation
import TendCore
import TendFleet

/// `tend fleet bootstrap HOST`: copy this tend to a host.
struct FleetBootstrapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bootstrap",
        abstract: "Copy this tend to a host of the same OS and architecture.",
        discussion: """
        HOST is a host of the inventory, or user@host[:port] or an ssh alias. The copy's SHA-256 is checked \
        on the host before it is moved into place; a host of another system or architecture is told how to \
        get tend instead.

        Examples:
          tend fleet bootstrap web1
          tend fleet bootstrap deploy@10.0.0.5:2222 --path /usr/local/bin/tend
        """
    )

    @Argument(help: ArgumentHelp("A host of the inventory, or user@host[:port].", valueName: "host"))
    var host: String

    @Option(name: [.customShort("i"), .long], help: ArgumentHelp("The inventory (default: ./fleet.yaml, when it exists).",
                                                                 valueName: "file"))
    var inventory: String?

    @Option(help: ArgumentHelp("Where to install on the host, from its home when relative.", valueName: "path"))
    var path = ".local/bin/tend"

    @Option(name: .customLong("ssh-config"), help: ArgumentHelp("An ssh config file to use (ssh -F).", valueName: "file"))
    var sshConfig: String?

    func run() async throws {
        let known = FleetSession.loadInventory(inventory ?? "fleet.yaml", required: inventory != nil)?.host(named: host)
        let destination: SSHDestination
        do {
            destination = try known?.destination ?? SSHDestination.parse(host)
        } catch {
            throw ValidationError("\(error)")
        }
        let binary = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? Bundle.main.executablePath ?? CommandLine.arguments[0]
        let bootstrap = FleetBootstrap(hostName: host, destination: destination, binary: binary, remotePath: path,
                                       version: Tend.version, sshConfig: sshConfig)
        do {
            Terminal.write(try await bootstrap.run() + "\n")
        } catch {
            Terminal.write("tend: error: \(TerminalText.escapeLines(error.description))\n", to: .standardError)
            throw ExitCode(1)
        }
    }
}
