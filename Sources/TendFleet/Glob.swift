import Foundation

/// Shell-style patterns (`*`, `?`, `[...]`) for `--hosts`, through the C library's fnmatch.
enum Glob {
    static func matches(_ pattern: String, _ text: String) -> Bool {
        fnmatch(pattern, text, 0) == 0
    }
}
