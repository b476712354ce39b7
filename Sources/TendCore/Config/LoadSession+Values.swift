import TendYAML

extension LoadSession {
    // MARK: Variables

    func resolveVariables() {
        for raw in rawVariables {
            variableNodes[raw.name] = (raw.node, raw.file)
        }
        for name in variableNodes.keys.sorted() {
            _ = variable(name)
        }
    }

    /// The value of `vars.NAME`, resolving on first use so that variables may refer to each other.
    func variable(_ name: String) -> Value? {
        if let value = variables[name] { return value }
        guard let (node, file) = variableNodes[name] else { return nil }
        if let start = resolvingVariables.firstIndex(of: name) {
            let loop = resolvingVariables[start...] + [name]
            if loop.count == 2 {
                error("variable '\(name)' refers to itself", file, node.mark, hint: "give it a value that does not use ${vars.\(name)}")
            } else {
                error("variables refer to each other in a loop: " + loop.joined(separator: " -> "), file, node.mark,
                      hint: "break the loop between variables")
            }
            variables[name] = .string("")
            return variables[name]
        }
        resolvingVariables.append(name)
        defer { resolvingVariables.removeLast() }
        let value = genericValue(node, file, parameter: "vars.\(name)", outputs: nil) ?? .null
        variables[name] = value
        return value
    }

    var interpolator: Interpolator {
        Interpolator(variable: { [unowned self] in self.variable($0) }, environment: host.environment, host: host)
    }

    // MARK: Scalars

    /// A scalar's text after interpolation, or the whole value when the scalar was exactly one list or map
    /// variable. Output references are appended to `outputs`; when `outputs` is nil they are an error.
    func interpolate(_ node: Node, _ scalar: Scalar, _ file: LoadedFile,
                     outputs: OutputSink?) -> Value? {
        // Without a `$` there is nothing to expand, and no interpolator to build.
        guard scalar.value.utf8.contains(UInt8(ascii: "$")) else { return .string(scalar.value) }
        do {
            let expansion = try interpolator.expand(scalar.value)
            if !expansion.outputs.isEmpty {
                if let outputs {
                    outputs.items.append(contentsOf: expansion.outputs)
                } else {
                    error("outputs are known only at apply time and cannot be used here", file, node.mark,
                          hint: "use ${outputs...} in resource parameters only")
                    return nil
                }
            }
            return expansion.value
        } catch let problem {
            let (message, offset, hint) = describe(problem)
            self.error(message, file, markInside(node, scalar, offset: offset), hint: hint)
            return nil
        }
    }

    private func describe(_ problem: Interpolator.Problem) -> (String, Int, String?) {
        switch problem {
        case .unterminated(let offset):
            return ("unterminated '${' in interpolation", offset, "close it with '}', or write '$${' for a literal '${'")
        case .unknownNamespace(let name, let offset):
            return ("unknown interpolation '\(name)'" + Suggestion.phrase(for: name, in: ["vars", "env", "host", "outputs"]),
                    offset, "use ${vars.NAME}, ${env.NAME}, ${host.NAME} or ${outputs.ADDRESS.KEY}")
        case .unknownVariable(let name, let offset):
            return ("unknown variable '\(name)'" + Suggestion.phrase(for: name, in: variableNodes.keys), offset,
                    "define it under 'vars:'")
        case .unsetEnvironment(let name, let offset):
            return ("environment variable '\(name)' is not set", offset,
                    "set it, or give a default: ${env.\(name):-default}")
        case .unknownHostFact(let name, let offset):
            return ("unknown host fact '\(name)'" + Suggestion.phrase(for: name, in: HostFacts.interpolationNames), offset,
                    "host facts are " + HostFacts.interpolationNames.joined(separator: ", "))
        case .badOutputReference(let text, let offset):
            return ("'\(text)' is not an output reference", offset, "write ${outputs.TYPE:KEY.OUTPUT}, e.g. ${outputs.ssh-key:~/.ssh/id_ed25519.fingerprint}")
        case .tooLong(let limit, let offset):
            return ("interpolation makes this value longer than \(limit >> 20) MiB (\(limit) bytes)", offset,
                    "variables that use another variable more than once double at each level; use fewer levels")
        case .notText(let text, let offset):
            return ("'\(text)' is a list or mapping and cannot be part of a string", offset,
                    "use it as the whole value, or pick a string variable")
        }
    }

    /// The mark of a character inside a single-line scalar; the scalar's own mark otherwise.
    private func markInside(_ node: Node, _ scalar: Scalar, offset: Int) -> Mark {
        switch scalar.style {
        case .plain where !scalar.value.contains("\n"):
            return Mark(line: node.mark.line, column: node.mark.column + offset)
        case .singleQuoted where !scalar.value.contains("\n") && !scalar.value.contains("'"),
             .doubleQuoted where !scalar.value.contains("\n") && !scalar.value.contains("\\") && !scalar.value.contains("\""):
            return Mark(line: node.mark.line, column: node.mark.column + 1 + offset)
        default:
            return node.mark
        }
    }

    /// Any YAML value as a `Value`, interpolating every string (variables and untyped data).
    func genericValue(_ node: Node, _ file: LoadedFile, parameter: String,
                      outputs: OutputSink?) -> Value? {
        switch node.content {
        case .scalar(let scalar):
            switch ScalarResolution.resolve(scalar, tag: node.tag) {
            case .null: return .null
            // A number or boolean keeps its spelling (`010`, `0x1F`, `True`), as it would written in place;
            // a typed parameter reads the text again when the variable is used.
            case .bool, .int, .float: return .string(scalar.value)
            case .string: return interpolate(node, scalar, file, outputs: outputs)
            }
        case .sequence(let items):
            var values: [Value] = []
            for item in items {
                guard let value = genericValue(item, file, parameter: parameter, outputs: outputs) else { return nil }
                values.append(value)
            }
            return .list(values)
        case .mapping(let pairs):
            checkDuplicateKeys(pairs, file)
            var map: [String: Value] = [:]
            for pair in pairs {
                guard let key = pair.key.scalar?.value else {
                    error("keys in '\(parameter)' must be strings", file, pair.key.mark)
                    return nil
                }
                guard let value = genericValue(pair.value, file, parameter: parameter, outputs: outputs) else { return nil }
                map[key] = value
            }
            return .map(map)
        }
    }

    // MARK: Typed parameters

    /// Decodes `node` as `kind`, reporting what was expected when it does not fit; nil after an error.
    func typedValue(_ node: Node, kind: ParameterKind, name: String, type: String, file: LoadedFile, base: String,
                    outputs: OutputSink?) -> Value? {
        func mismatch(_ found: String) -> Value? {
            error("parameter '\(name)' of type \(type) expects \(kind.expectation), found \(found)", file, node.mark,
                  hint: hintFor(kind))
            return nil
        }
        if node.isNull {
            // YAML reads a bare `~` as null, but in a path it is meant as the home directory.
            let bareTilde = node.scalar?.value == "~" && node.scalar?.style == .plain
            error("parameter '\(name)' of type \(type) has no value" + (bareTilde ? " (a bare ~ is null in YAML)" : ""),
                  file, node.mark,
                  hint: bareTilde ? "quote it for the home directory: \(name): \"~\""
                                  : "give it \(kind.expectation), or remove the line")
            return nil
        }
        switch kind {
        case .list(let itemKind):
            if let items = node.sequence {
                var values: [Value] = []
                var failed = false
                for item in items {
                    if let value = typedValue(item, kind: itemKind, name: name, type: type, file: file, base: base,
                                              outputs: outputs) {
                        values.append(value)
                    } else {
                        failed = true
                    }
                }
                return failed ? nil : .list(values)
            }
            if node.mapping != nil { return mismatch("a mapping") }
            // One scalar is a one-item list, unless it is a whole list variable.
            guard let scalar = node.scalar, let value = interpolate(node, scalar, file, outputs: outputs) else { return nil }
            if case .list(let items) = value {
                return checkItems(items, kind: itemKind, node: node, name: name, type: type, file: file, base: base)
            }
            return typedValue(node, kind: itemKind, name: name, type: type, file: file, base: base, outputs: outputs)
                .map { .list([$0]) }
        case .map:
            if let pairs = node.mapping {
                checkDuplicateKeys(pairs, file)
                var map: [String: Value] = [:]
                for pair in pairs {
                    guard let key = pair.key.scalar?.value else { return mismatch("a mapping with a non-string key") }
                    guard let value = genericValue(pair.value, file, parameter: name, outputs: outputs) else { return nil }
                    if case .list = value { return mismatch("a list inside the mapping") }
                    if case .map = value { return mismatch("a mapping inside the mapping") }
                    map[key] = .string(value.text)
                }
                return .map(map)
            }
            return mismatch(node.kindDescription)
        case .string, .int, .bool, .path, .mode:
            guard let scalar = node.scalar else { return mismatch(node.kindDescription) }
            var resolved = ScalarResolution.resolve(scalar, tag: node.tag)
            let text: String
            switch resolved {
            case .string:
                guard let value = interpolate(node, scalar, file, outputs: outputs) else { return nil }
                if case .list = value { return mismatch("a list variable") }
                if case .map = value { return mismatch("a mapping variable") }
                text = value.text
                // A whole `${vars.x}` reads as the variable's YAML would have read in place (`True`, `0x1F`).
                if text != scalar.value { resolved = ScalarResolution.resolvePlain(text) }
            default:
                text = scalar.value
            }
            return scalarValue(text, resolved: resolved, kind: kind, node: node, name: name, type: type, file: file,
                               base: base)
        }
    }

    private func checkItems(_ items: [Value], kind: ParameterKind, node: Node, name: String, type: String,
                            file: LoadedFile, base: String) -> Value? {
        var result: [Value] = []
        for item in items {
            switch item {
            case .list, .map:
                error("parameter '\(name)' of type \(type) expects \(ParameterKind.list(kind).expectation), found a nested collection",
                      file, node.mark)
                return nil
            default:
                guard let value = scalarValue(item.text, resolved: ScalarResolution.resolvePlain(item.text), kind: kind, node: node,
                                              name: name, type: type, file: file, base: base) else { return nil }
                result.append(value)
            }
        }
        return .list(result)
    }

    private func scalarValue(_ text: String, resolved: ScalarResolution.Resolved, kind: ParameterKind, node: Node,
                             name: String, type: String, file: LoadedFile, base: String) -> Value? {
        func mismatch(_ found: String) -> Value? {
            error("parameter '\(name)' of type \(type) expects \(kind.expectation), found \(found)", file, node.mark,
                  hint: hintFor(kind))
            return nil
        }
        switch kind {
        case .string:
            return .string(text)
        case .int:
            if case .int(let i) = resolved { return .int(i) }
            if let i = Int(text) { return .int(i) }
            return mismatch("'\(text)'")
        case .bool:
            if case .bool(let b) = resolved { return .bool(b) }
            if text == "true" { return .bool(true) }
            if text == "false" { return .bool(false) }
            return mismatch("'\(text)'")
        case .path:
            guard !text.isEmpty else { return mismatch("an empty string") }
            if text.hasPrefix("${outputs.") { return .string(text) }
            return .string(PathNormalizer.absolute(text, home: host.home, base: base))
        case .mode:
            guard let mode = FileMode(text) else { return mismatch("'\(text)'") }
            return .string(mode.description)
        case .list, .map:
            return mismatch("'\(text)'")
        }
    }

    private func hintFor(_ kind: ParameterKind) -> String? {
        switch kind {
        case .bool: return "write true or false"
        case .mode: return "write the permission bits in octal, quoted: mode: \"0644\""
        case .int: return "write a whole number such as 1"
        case .list: return "write a list: [a, b]"
        default: return nil
        }
    }
}

/// Collects `${outputs...}` references met while decoding one resource.
final class OutputSink {
    var items: [(address: String, key: String)] = []
}
