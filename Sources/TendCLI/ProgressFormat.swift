import ArgumentParser

/// `tend apply --progress`: for people (text), or for a program such as `tend fleet apply` (json).
enum ProgressFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
