import ArgumentParser
import Foundation
import TendCore

/// Options every command that reads a config shares.
struct ConfigOptions: ParsableArguments {
    @Option(name: [.customShort("c"), .long], help: ArgumentHelp(
        "The config file (default: ./tend.yaml, then $XDG_CONFIG_HOME/tend/tend.yaml).", valueName: "file"),
            completion: .file(extensions: ["yaml", "yml"]))
    var config: String?

    @Flag(name: .customLong("no-color"), help: "Never colour the output (NO_COLOR does the same).")
    var noColor = false

    /// The config path to read: the one given, else ./tend.yaml, else the XDG one; ./tend.yaml when none exists.
    func configPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        config ?? Self.defaultConfigPath(environment: environment)
    }

    /// ./tend.yaml, else the XDG one when it exists; ./tend.yaml when neither does. Static so that shell
    /// completion, which has no parsed options, finds the same file.
    static func defaultConfigPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if FileManager.default.fileExists(atPath: "tend.yaml") { return "tend.yaml" }
        let home = environment["HOME"] ?? NSHomeDirectory()
        let configHome = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.config"
        let xdg = configHome + "/tend/tend.yaml"
        return FileManager.default.fileExists(atPath: xdg) ? xdg : "tend.yaml"
    }

    /// Colour for a stream: only on a terminal, never with --no-color or NO_COLOR.
    func color(for stream: Terminal.Stream) -> Bool {
        !noColor && Terminal.wantsColor(stream)
    }
}
