/// A crontab that could not be read or installed; the message names the user and says why.
struct CrontabError: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}
