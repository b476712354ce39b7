import TendCore

/// The one place where argv built from config values is kept from being read as options: a package named
/// `--log=/tmp/x` must reach pip as a (bad) requirement, never as pip's `--log`.
///
/// Each tool tend runs with values gets one builder here. Tools whose parser ends its options at `--` (getopt,
/// Python's optparse and argparse, apt's own parser) get `--` right before the values. Homebrew's parser is
/// not one tend can rely on for that, so brew names are checked instead (`BrewPackage.nameProblem`), and the
/// builder refuses a name that still looks like an option. New types (npm, cargo, gem, git clone, ssh-keygen
/// comments) add their builder here rather than concatenating values into argv themselves.
enum ArgumentSafety {
    /// `command`, then `--`, then `operands`: after `--` every word is an operand, whatever it starts with.
    static func operands(_ operands: [String], after command: [String]) -> [String] {
        command + ["--"] + operands
    }

    /// True when a tool without `--` could read `value` as an option (or as nothing at all).
    static func looksLikeOption(_ value: String) -> Bool {
        value.isEmpty || value.hasPrefix("-")
    }

    // MARK: Per tool

    /// `PYTHON -m pip SUBCOMMAND... -- REQUIREMENT...`.
    static func pip(python: String, _ subcommand: [String], requirements: [String]) -> [String] {
        operands(requirements, after: [python, "-m", "pip"] + subcommand)
    }

    /// `pipx SUBCOMMAND... -- SPEC...`.
    static func pipx(_ subcommand: [String], specs: [String]) -> [String] {
        operands(specs, after: ["pipx"] + subcommand)
    }

    /// `apt-get SUBCOMMAND... -- PACKAGE...` (also `apt-cache`, `dpkg-query`: `tool` names which).
    static func apt(_ subcommand: [String], packages: [String], tool: String = "apt-get") -> [String] {
        operands(packages, after: [tool] + subcommand)
    }

    /// `BREW SUBCOMMAND... NAME...`, or nil when a name could be read as an option; callers check names with
    /// `BrewPackage.nameProblem` first, so nil means a bug, and nothing runs.
    static func brew(_ executable: String, _ subcommand: [String], names: [String]) -> [String]? {
        guard !names.contains(where: looksLikeOption) else { return nil }
        return [executable] + subcommand + names
    }

    /// `git OPTIONS... -- OPERAND...`, for a clone's URL and directory.
    static func git(_ options: [String], operands values: [String]) -> [String] {
        operands(values, after: ["git"] + options)
    }
}
