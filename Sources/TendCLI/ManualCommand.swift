import ArgumentParser
import Foundation

/// `tend manual`: a man page (roff) made from the command tree, so it always says what --help says.
struct ManualCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manual",
        abstract: "Print tend's man page (roff), made from the commands' help.",
        discussion: """
        Examples:
          tend manual > tend.1 && man ./tend.1
          tend manual | gzip > /usr/local/share/man/man1/tend.1.gz
        """,
        shouldDisplay: false
    )

    func run() throws {
        Terminal.write(ManualPage.render())
    }
}
