import TendCore

extension BlockInFileResource {
    static let schema = TypeSchema(
        name: "block-in-file", summary: "lines between two marker comments in a text file that is otherwise the user's",
        parameters: [
            ParameterSchema("name", .string, key: true, summary: "names the block in its markers", example: "proxy"),
            ParameterSchema("path", .path, required: true, modifiable: false, summary: "the file", example: "~/.bashrc"),
            ParameterSchema("block", .string, required: true, summary: "the lines between the markers",
                            example: "\"export http_proxy=http://proxy:3128\\n\""),
            ParameterSchema("marker", .string, default: .string(defaultMarker), modifiable: false,
                            summary: "the marker line: {mark} becomes BEGIN or END, {name} the name; "
                                + "use the file's comment syntax, e.g. \"<!-- {mark} {name} -->\"",
                            example: "\"# {mark} tend: {name}\""),
        ],
        example: """
        - type: block-in-file
          path: ~/.bashrc
          name: proxy
          block: |
            export http_proxy=http://proxy.example.com:3128
            export https_proxy=$http_proxy
        """,
        valueCheck: { resource, _ in checks(resource) })

    static func checks(_ resource: ResourceSpec) -> [ValueProblem] {
        var problems: [ValueProblem] = []
        let name = resource.parameters["name"]?.stringValue ?? resource.address.key
        if name.contains(where: \.isNewline) {
            problems.append(ValueProblem("name", "the block name '\(name)' has a line break in it",
                                         hint: "a name goes into one marker line; use a short word"))
        }
        let marker = resource.parameters["marker"]?.stringValue ?? defaultMarker
        if !marker.contains("{mark}") {
            problems.append(ValueProblem("marker", "the marker '\(marker)' has no {mark}, so its BEGIN and END lines would be the same",
                                         hint: "write it like \"# {mark} tend: {name}\""))
        }
        if marker.contains(where: \.isNewline) {
            problems.append(ValueProblem("marker", "the marker '\(marker)' has a line break in it; a marker is one line"))
        }
        let (begin, end) = markers(of: resource)
        if body(of: resource).contains(where: { TextLines.content($0) == begin || TextLines.content($0) == end }) {
            problems.append(ValueProblem("block", "the block contains its own marker line, so tend could not find where it ends",
                                         hint: "remove the marker line from 'block'"))
        }
        return problems
    }
}
