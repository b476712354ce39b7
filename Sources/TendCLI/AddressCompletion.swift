import Foundation
import TendCore

/// The addresses shell completion offers for --target and destroy: those of the config in the current
/// directory (or the XDG one), read as plan would read it; nothing when it does not load.
enum AddressCompletion {
    static func addresses() -> [String] {
        let context = CommandContext(options: nil)
        let result = context.engine.loadConfig(path: ConfigOptions.defaultConfigPath())
        // Completion output is read by the shell: an address with a control character is not offered.
        return (result.config?.allResources ?? []).map(\.address.description)
            .filter { $0 == TerminalText.escape($0) && !$0.contains(" ") }
    }
}
