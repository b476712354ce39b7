import Foundation

/// Why a second local user could not be made.
public struct LocalUserError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
