/// Where fleet runs keep things on a host, relative to the remote user's home (ssh starts commands there).
/// The bundle lands in a fresh private directory under `runs/`, and `current` is switched to it: the config's
/// path on the host stays the same from run to run, so the host's state sees one config, and symlinks that a
/// config points into its own directory keep working after the next run.
enum RemoteLayout {
    static let root = ".local/share/tend/fleet"
    static let defaultTend = ".local/bin/tend"
    static var hostFile: String { root + "/current/" + FleetBundle.hostFileName }

    /// Unpacks the bundle from standard input into a new directory and points `current` at it; prints the
    /// directory `current` pointed at before, for removal after the run. Values arrive as `$1` only: the text
    /// of the script is constant.
    static let shipScript = """
        set -e
        umask 077
        mkdir -p "$1/runs"
        chmod 700 "$1"
        new=$(mktemp -d "$1/runs/run.XXXXXXXX")
        tar -x -f - -C "$new" --no-same-owner
        prev=$(readlink "$1/current" 2>/dev/null || true)
        ln -sfn "runs/${new##*/}" "$1/current"
        printf '%s\\n' "$prev"
        """

    /// Whether `link` is a run directory this layout made (`runs/run.` and letters/digits), and so safe to remove.
    static func isRunDirectory(_ link: String) -> Bool {
        guard link.hasPrefix("runs/run.") else { return false }
        let suffix = link.dropFirst("runs/run.".count)
        return !suffix.isEmpty && suffix.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }
    }
}
