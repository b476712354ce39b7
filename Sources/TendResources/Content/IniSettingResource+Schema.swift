import TendCore

extension IniSettingResource {
    static let schema = TypeSchema(
        name: "ini-setting", summary: "one key = value in an INI file, every other byte of the file kept",
        parameters: [
            ParameterSchema("key", .string, key: true, summary: "the key, as written before '='", example: "editor"),
            ParameterSchema("path", .path, required: true, modifiable: false, summary: "the INI file",
                            example: "~/.config/app/settings.ini"),
            ParameterSchema("section", .string, modifiable: false,
                            summary: "the [section] the key is in; without it, the lines before the first section",
                            example: "general"),
            ParameterSchema("value", .string, required: true, summary: "the value, written after '='", example: "vim"),
        ],
        example: """
        - type: ini-setting
          path: ~/.config/pip/pip.conf
          section: global
          key: timeout
          value: "60"
        """,
        valueCheck: { resource, _ in checks(resource) })

    static func checks(_ resource: ResourceSpec) -> [ValueProblem] {
        var problems: [ValueProblem] = []
        let key = resource.parameters["key"]?.stringValue ?? resource.address.key
        if key.contains("=") || key.contains(where: \.isNewline) || key.trimmingBlanks != key || key.isEmpty
            || key.hasPrefix("[") || key.hasPrefix(";") || key.hasPrefix("#") {
            problems.append(ValueProblem("key", "'\(key)' is not an INI key tend can write (no '=', line break, "
                + "blanks at either end, or leading '[', ';' or '#')", hint: "write the key as it appears before '='"))
        }
        if let section = resource.parameters["section"]?.stringValue,
           section.contains("]") || section.contains(where: \.isNewline) || section.trimmingBlanks != section {
            problems.append(ValueProblem("section", "'\(section)' is not an INI section name tend can write (no ']', "
                + "line break, or blanks at either end)", hint: "write the name between the brackets, e.g. general"))
        }
        if let value = resource.parameters["value"]?.text, value.contains(where: \.isNewline) || value.trimmingBlanks != value {
            problems.append(ValueProblem("value", "an INI value cannot have a line break or blanks at either end "
                + "(readers drop them)", hint: "remove the line breaks and surrounding blanks"))
        }
        return problems
    }
}
