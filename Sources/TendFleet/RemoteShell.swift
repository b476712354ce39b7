/// The one place a remote command line is made. ssh joins its arguments with spaces and hands the result to
/// the remote user's login shell, so an argv must be quoted for that shell exactly once, here, and never
/// concatenated by hand anywhere else.
public enum RemoteShell {
    /// `argv` as one line a POSIX shell (sh, dash, bash, zsh, ksh) splits back into exactly these words, each
    /// read literally: every word is single-quoted, a `'` inside written as `'\''`. Newlines, `$(...)`, `;`,
    /// globs and any other byte stay inside the quotes. csh and fish read quotes differently; the README says
    /// fleet hosts need a POSIX login shell.
    public static func commandLine(_ argv: [String]) -> String {
        precondition(!argv.isEmpty, "a remote command needs a program")
        return argv.map(quote).joined(separator: " ")
    }

    static func quote(_ word: String) -> String {
        var out = "'"
        // Scalar by scalar: a quote followed by a combining mark is one Character and must still be escaped.
        for scalar in word.unicodeScalars {
            if scalar == "'" { out += "'\\''" } else { out.unicodeScalars.append(scalar) }
        }
        return out + "'"
    }
}
