/// Variable names a shell gives a meaning of its own, each with what an `export` of it from tend's profile
/// would do to the shells that source it. An env resource may not take one of these names.
///
/// Chosen by what happens, not by prefix: zsh's `ZSH_*` parameters are listed one by one because oh-my-zsh and
/// others read `ZSH_THEME`, `ZSH_CUSTOM` and friends from the environment, and bash's `BASH_*` likewise
/// (macOS users export `BASH_SILENCE_DEPRECATION_WARNING`), except `BASH_FUNC_*`, which is how bash imports
/// functions. `HOME` is refused: it comes from the login record, and moving it in a profile moves every
/// dotfile, tend's own profile included. `PWD` is refused: cd sets it, fish keeps it read-only, and a stale
/// exported `PWD` misleads `pwd -L` in child shells. Lowercase zsh and fish names are here too: the profile is
/// sourced by every supported shell, so a name one of them keeps read-only stops it reading the rest.
enum SpecialShellVariables {
    /// Every name with a reason (the `BASH_FUNC_` prefix aside).
    static var names: Set<String> { Set(reasons.keys) }

    /// Why `name` is special, as "special to SHELL: WHAT SETTING IT DOES"; nil for an ordinary name.
    static func reason(_ name: String) -> String? {
        if let reason = reasons[name] { return reason }
        if name.hasPrefix("BASH_FUNC_") {
            return "special to bash: variables named BASH_FUNC_* carry exported functions, which every bash started from the profile would run"
        }
        return nil
    }

    private static let userID = "special to zsh (and read-only in bash): setting it changes the shell's user id"
    private static let groupID = "special to zsh: setting it changes the shell's group id"
    private static let zshOwn = "special to zsh: zsh sets it and keeps it read-only, so the export aborts the rest of the profile"
    private static let bashOwn = "special to bash: bash sets it and keeps it read-only, so the export aborts the rest of the profile"
    private static let zshTied = "special to zsh: it is the array form of an uppercase variable (path is PATH), so setting it rewrites that variable"
    private static let zshTable = "special to zsh: it is one of zsh's own tables of the shell's state, so setting it fails or changes the shell itself"
    private static let fishOwn = "special to fish: fish sets it itself and keeps it read-only, so profile.fish cannot set it"
    private static let counter = "set by the shell itself: an assignment resets or breaks it for every shell that sources the profile"

    private static let reasons: [String: String] = [
        "USERNAME": "special to zsh: setting it changes the shell's user id",
        "UID": userID, "EUID": userID,
        "GID": groupID, "EGID": groupID,
        "ZSH_ARGZERO": zshOwn, "ZSH_EXECUTION_STRING": zshOwn, "ZSH_NAME": zshOwn, "ZSH_PATCHLEVEL": zshOwn,
        "ZSH_SCRIPT": zshOwn, "ZSH_SUBSHELL": zshOwn, "ZSH_VERSION": zshOwn, "ZSH_EVAL_CONTEXT": zshOwn,
        "SHELLOPTS": "special to bash: exported, it turns on its options in every bash started from the profile (read-only in bash)",
        "BASHOPTS": "special to bash: exported, it turns on its options in every bash started from the profile (read-only in bash)",
        "BASH_ENV": "special to bash: every non-interactive bash runs the file it names first, scripts included",
        "ENV": "special to sh and bash: every interactive POSIX shell runs the file it names first",
        "IFS": "special to every shell: it changes how each later line of the profile, and every script, splits words",
        "PS4": "special to bash: bash expands it, command substitutions included, before every traced line",
        "BASH_VERSINFO": bashOwn, "BASH_VERSION": bashOwn, "BASH_ARGV": bashOwn, "BASH_ARGC": bashOwn,
        "BASH_SOURCE": bashOwn, "BASH_LINENO": bashOwn, "BASH_SUBSHELL": bashOwn, "BASH_COMMAND": bashOwn,
        "BASH_EXECUTION_STRING": bashOwn, "BASH_REMATCH": bashOwn, "BASHPID": bashOwn, "BASH": bashOwn,
        "BASH_XTRACEFD": "special to bash: it names the file descriptor trace output goes to",
        "BASH_COMPAT": "special to bash: it changes how bash parses and runs everything after it",
        "BASH_ARGV0": "special to bash: setting it renames the running shell ($0)",
        "BASH_CMDS": bashOwn, "BASH_ALIASES": bashOwn, "BASH_LOADABLES_PATH": "special to bash: it names where bash loads builtins from",
        "PPID": "special to every shell: the shell sets it and keeps it read-only, so the export aborts the rest of the profile",
        "LINENO": counter, "RANDOM": counter, "SECONDS": counter,
        "HOME": "special to every shell and program: it comes from the login record, and moving it moves every dotfile, tend's profile included",
        "PWD": "special to every shell: cd sets it, fish keeps it read-only, and an exported one misleads 'pwd' in child shells",
        "status": "special to zsh and fish: each sets it and keeps it read-only, so the export aborts the rest of the profile",
        "argv": "special to zsh: it is the shell's own argument list ($@), and the export aborts the rest of the profile",
        "ARGC": zshOwn, "TTYIDLE": zshOwn, "HISTCMD": zshOwn, "zsh_eval_context": zshOwn,
        "path": zshTied, "fpath": zshTied, "cdpath": zshTied, "manpath": zshTied, "module_path": zshTied,
        "mailpath": zshTied, "psvar": zshTied, "fignore": zshTied,
        "aliases": zshTable, "builtins": zshTable, "commands": zshTable, "functions": zshTable, "modules": zshTable,
        "nameddirs": zshTable, "options": zshTable, "parameters": zshTable, "userdirs": zshTable, "history": zshTable,
        "historywords": zshTable, "jobdirs": zshTable, "jobstates": zshTable, "jobtexts": zshTable,
        "funcstack": zshTable, "funcfiletrace": zshTable, "funcsourcetrace": zshTable, "signals": zshTable,
        "SHLVL": fishOwn, "version": fishOwn, "hostname": fishOwn, "pipestatus": fishOwn, "fish_pid": fishOwn,
        "_": fishOwn, "umask": fishOwn, "FISH_VERSION": fishOwn, "fish_kill_signal": fishOwn,
        "status_generation": fishOwn,
    ]
}
