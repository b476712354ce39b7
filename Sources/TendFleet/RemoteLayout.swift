/// Where fleet runs keep things on a host, relative to the remote user's home (ssh starts commands there).
/// The bundle is unpacked into a fresh private directory under `runs/`, then renamed to `bundle`: the config's
/// path on the host stays the same from run to run, so the host's state sees one config, and symlinks that a
/// config points into its own directory keep working. `bundle` is a real directory, not a link, because
/// tend refuses to run a script in a directory reached through a link.
enum RemoteLayout {
    static let root = ".local/share/tend/fleet"
    static let defaultTend = ".local/bin/tend"
    static var hostFile: String { root + "/bundle/" + FleetBundle.hostFileName }

    /// Unpacks the bundle from standard input into a new directory, moves the previous `bundle` aside and the
    /// new one in its place; prints where the previous one went, for removal after the run. Values arrive as
    /// `$1` only: the text of the script is constant. A second fleet run that ships in the same instant may
    /// fail here (`mv` finds the place taken); it then fails that host, and nothing is lost.
    static let shipScript = """
        set -e
        umask 077
        mkdir -p "$1/runs"
        chmod 700 "$1"
        new=$(mktemp -d "$1/runs/run.XXXXXXXX")
        tar -x -f - -C "$new" --no-same-owner
        old=
        if [ -d "$1/bundle" ]; then
          old=$(mktemp -d "$1/runs/old.XXXXXXXX")
          mv "$1/bundle" "$old/bundle"
        fi
        if [ -e "$1/bundle" ]; then echo "another fleet run is shipping to this host" >&2; exit 1; fi
        mv "$new" "$1/bundle"
        printf '%s\\n' "${old#"$1"/}"
        """

    /// Whether `path` is a directory the ship script moved aside (`runs/old.` and letters/digits), and so safe
    /// to remove.
    static func isRunDirectory(_ path: String) -> Bool {
        guard path.hasPrefix("runs/old.") else { return false }
        let suffix = path.dropFirst("runs/old.".count)
        return !suffix.isEmpty && suffix.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }
    }
}
