/// Why a setting's name is not one tend can hand to its tool.
struct SettingNameProblem: Error, Sendable, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
