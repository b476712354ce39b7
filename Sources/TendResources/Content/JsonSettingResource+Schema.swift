import TendCore

extension JsonSettingResource {
    static let schema = TypeSchema(
        name: "json-setting",
        summary: "one key in a JSON file that may have comments (VS Code settings), every other byte kept",
        parameters: [
            ParameterSchema("key", .string, key: true, summary: "the key, taken literally (dots are part of it)",
                            example: "editor.fontSize"),
            ParameterSchema("path", .path, required: true, modifiable: false, summary: "the JSON file",
                            example: "~/.config/Code/User/settings.json"),
            ParameterSchema("value", .string, required: true,
                            summary: "the value: text that is JSON is taken as JSON (14, true, [\"a\"], \"14\"), "
                                + "any other text as a string",
                            example: "14"),
            ParameterSchema("within", .list(.string), modifiable: false,
                            summary: "the keys of the objects the key is inside, outermost first (made when missing)",
                            example: "[\"[python]\"]"),
        ],
        example: """
        - type: json-setting
          path: ~/.config/Code/User/settings.json
          key: editor.fontSize
          value: 14
        - type: json-setting
          id: python-format-on-save
          path: ~/.config/Code/User/settings.json
          within: ["[python]"]
          key: editor.formatOnSave
          value: true
        """,
        valueCheck: { resource, _ in checks(resource) })

    static func checks(_ resource: ResourceSpec) -> [ValueProblem] {
        let text = resource.parameters["value"]?.text ?? ""
        // Text that starts like JSON but does not parse is more likely a typo than a string.
        guard let first = text.first, "[{\"".contains(first) else { return [] }
        do {
            _ = try JSON.parse(text, maxDepth: JSONCDocument.depthLimit)
            return []
        } catch {
            return [ValueProblem("value", "'\(text)' starts like JSON but is not valid JSON: \(error)",
                                 hint: "fix the JSON, or quote it as a JSON string: '\"...\"'")]
        }
    }
}
