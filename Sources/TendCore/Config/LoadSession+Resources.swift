import TendYAML

extension LoadSession {
    /// Decodes one resource mapping into one spec, or several for `packages:` sugar; reports every problem.
    func decodeResource(_ raw: RawResource) -> [ResourceSpec] {
        let file = raw.file
        let node = raw.node
        guard let pairs = node.mapping else {
            error("a resource must be a mapping with a 'type', found \(node.kindDescription)", file, node.mark,
                  hint: "write '- type: apt' and the type's parameters beneath it")
            return []
        }
        checkDuplicateKeys(pairs, file)
        guard let typeNode = node["type"] else {
            error("resource has no 'type'", file, node.mark,
                  hint: "add 'type:' with one of: " + loader.catalog.names.joined(separator: ", "))
            return []
        }
        guard let typeName = typeNode.scalar?.value, !typeNode.isNull else {
            error("'type' must be a type name, found \(typeNode.kindDescription)", file, typeNode.mark)
            return []
        }
        guard let schema = loader.catalog[typeName] else {
            let broken = loader.catalog.definitionProblems(typeName)
            if !broken.isEmpty {
                // The definition's own errors once, then each resource that needed it.
                for problem in broken where !diagnostics.contains(problem) { diagnostics.append(problem) }
                error("type '\(typeName)' cannot be used: its definition "
                      + (broken[0].location.map { "(\($0.file)) " } ?? "") + "has errors", file, typeNode.mark,
                      hint: "fix the definition; other types are not affected")
                return []
            }
            error("unknown type '\(typeName)'" + Suggestion.phrase(for: typeName, in: loader.catalog.names), file,
                  typeNode.mark, hint: "run 'tend types' to list the types")
            return []
        }
        let location = SourceLocation(file: file.name, mark: node.mark)
        let base = file.directory
        var parameters = [String: Value](minimumCapacity: pairs.count)
        var parameterLocations = [String: SourceLocation](minimumCapacity: pairs.count)
        var meta = MetaValues()
        var packageItems: [(Value, Mark)]?
        let outputs = OutputSink()
        var outputParameters: [(String, Int)] = []
        var failed = false
        // Parameters written but not decoded, and unknown names: a later "missing" message would repeat them.
        var attempted: Set<String> = []
        var unknownParameters = 0

        for pair in pairs {
            guard let key = pair.key.scalar?.value else {
                error("parameter names must be strings", file, pair.key.mark)
                failed = true
                continue
            }
            if key == "type" { continue }
            let before = outputs.items.count
            attempted.insert(key)
            let parameter = schema.parameter(key)
            if key == "id", parameter == nil {
                meta.id = metaString(pair.value, file, name: "id")
                if meta.id?.isEmpty == true {
                    error("'id' is empty; it names the resource", file, pair.value.mark,
                          hint: "give it a name, or remove it to use the \(schema.keyParameter.name)")
                    meta.id = nil
                    failed = true
                }
            } else if parameter == nil, MetaParameters.names.contains(key) {
                decodeMeta(key, pair.value, file, schema: schema, into: &meta)
            } else if key == MetaParameters.packageList, schema.acceptsPackageList {
                let keyParameter = schema.keyParameter
                guard let value = typedValue(pair.value, kind: .list(keyParameter.kind), name: key, type: schema.name,
                                             file: file, base: base, outputs: nil),
                      case .list(let items) = value else { failed = true; continue }
                if items.isEmpty {
                    error("'packages' is empty", file, pair.value.mark, hint: "list at least one package")
                    failed = true
                }
                if let empty = items.firstIndex(where: { $0.text.isEmpty }) {
                    let mark = pair.value.sequence.map { $0[empty].mark } ?? pair.value.mark
                    error("'packages' has an empty name", file, mark, hint: "remove the empty item")
                    failed = true
                }
                let marks = pair.value.sequence?.map(\.mark) ?? Array(repeating: pair.value.mark, count: items.count)
                packageItems = zip(items, marks.count == items.count ? marks : Array(repeating: pair.value.mark, count: items.count))
                    .map { ($0, $1) }
            } else if let parameter {
                guard let value = typedValue(pair.value, kind: parameter.kind, name: key, type: schema.name,
                                             file: file, base: base, outputs: outputs) else { failed = true; continue }
                if let allowed = parameter.allowedValues, let text = value.stringValue, !allowed.contains(text) {
                    error("'\(text)' is not a valid value for '\(key)' of type \(schema.name)"
                          + Suggestion.phrase(for: text, in: allowed), file, pair.value.mark,
                          hint: "expected one of: " + allowed.joined(separator: ", "))
                    failed = true
                    continue
                }
                if parameter.isKey, value.text.isEmpty {
                    error("'\(key)' of type \(schema.name) is empty; it names the resource", file, pair.value.mark,
                          hint: "write '\(key):\(parameter.example.map { " \($0)" } ?? " ...")'")
                    failed = true
                    continue
                }
                if parameter.expandsHome, let text = value.stringValue {
                    parameters[key] = .string(PathNormalizer.expandTilde(text, home: host.home))
                } else {
                    parameters[key] = value
                }
                parameterLocations[key] = SourceLocation(file: file.name, mark: pair.value.mark)
                if outputs.items.count > before { outputParameters.append((key, outputs.items.count - before)) }
            } else {
                let candidates = schema.parameters.map(\.name) + MetaParameters.names
                    + (schema.acceptsPackageList ? [MetaParameters.packageList] : [])
                error("unknown parameter '\(key)' for type \(schema.name)" + Suggestion.phrase(for: key, in: candidates),
                      file, pair.key.mark, hint: "run 'tend types \(schema.name)' to see its parameters")
                unknownParameters += 1
                failed = true
            }
        }

        let keyName = schema.keyParameter.name
        if packageItems != nil, parameters[keyName] != nil {
            error("use '\(keyName)' or 'packages', not both", file, parameterLocations[keyName]!.mark,
                  hint: "list every package under 'packages', or write one resource per '\(keyName)'")
            return []
        }
        let ensure = meta.ensure ?? .present
        // Resource-level rules are checked once, before sugar multiplies the resource.
        for parameter in schema.parameters where parameter.required {
            if parameters[parameter.name] != nil || attempted.contains(parameter.name) || unknownParameters > 0 { continue }
            if parameter.isKey && (packageItems != nil || attempted.contains(MetaParameters.packageList)
                                   || (parameter.name == "id" && meta.id != nil)) { continue }
            if ensure == .absent && !parameter.isKey { continue }
            if failed && packageItems == nil && parameter.isKey && meta.id != nil { continue }
            let example = parameter.example.map { " \($0)" } ?? " ..."
            error("missing required parameter '\(parameter.name)' for type \(schema.name)", file, node.mark,
                  hint: "add '\(parameter.name):\(example)'")
            failed = true
        }
        for rule in schema.rules {
            switch rule {
            case .mutuallyExclusive(let names):
                let set = names.filter { parameters[$0] != nil }
                if set.count > 1, let second = parameterLocations[set[1]] {
                    error("a \(schema.name) takes " + names.map { "'\($0)'" }.joined(separator: " or ") + ", not both",
                          file, second.mark, hint: "remove '\(set[1])' or '\(set[0])'")
                    failed = true
                }
            case .oneRequired(let names):
                if ensure == .present && unknownParameters == 0 && !names.contains(where: { attempted.contains($0) }) {
                    error("a \(schema.name) needs " + names.map { "'\($0)'" }.joined(separator: " or "), file, node.mark,
                          hint: names.count == 1 ? "add '\(names[0]):'" : "add one of them")
                    failed = true
                }
            }
        }
        var sensitive = Set(schema.parameters.filter(\.sensitive).map(\.name))
        for (name, mark) in meta.sensitive {
            if schema.parameter(name) == nil {
                error("'\(name)' in 'sensitive' is not a parameter of type \(schema.name)"
                      + Suggestion.phrase(for: name, in: schema.parameters.map(\.name)), file, mark)
                failed = true
            }
            sensitive.insert(name)
        }
        if failed || meta.failed {
            rememberUndecoded(schema: schema, id: meta.id, key: parameters[keyName], packages: packageItems?.map(\.0),
                              keyAttempted: attempted.contains(keyName) || attempted.contains(MetaParameters.packageList))
            return []
        }

        var references: [OutputReference] = []
        var cursor = 0
        for (parameter, count) in outputParameters {
            for item in outputs.items[cursor..<(cursor + count)] {
                guard let address = Address(parsing: item.address, home: host.home) else { continue }
                references.append(OutputReference(address: address, key: item.key, parameter: parameter))
            }
            cursor += count
        }
        let isActive = meta.when.map(matches) ?? true
        func spec(parameters: [String: Value], location: SourceLocation, keyValue: Value?) -> ResourceSpec {
            var key = meta.id ?? keyValue?.text ?? ""
            if meta.id == nil, schema.keyParameter.kind == .path { key = PathNormalizer.addressForm(key, home: host.home) }
            return ResourceSpec(
                address: Address(type: schema.name, key: key), type: schema.name, parameters: parameters,
                dependsOn: meta.dependsOn.map(\.0), ensure: ensure, tags: meta.tags, sensitive: sensitive,
                retry: meta.retry, timeout: meta.timeout, isActive: isActive, location: location,
                parameterLocations: parameterLocations, baseDirectory: base, outputReferences: references)
        }
        guard let packageItems else {
            var spec = spec(parameters: parameters, location: location, keyValue: parameters[keyName])
            spec.dependsOnLocations = meta.dependsOn
            spec.keep = meta.keep ?? schema.keptByDefault
            return [spec]
        }
        return packageItems.map { item, mark in
            var itemParameters = parameters
            itemParameters[keyName] = item
            let itemLocation = SourceLocation(file: file.name, mark: mark)
            var result = spec(parameters: itemParameters, location: itemLocation, keyValue: item)
            result.parameterLocations[keyName] = itemLocation
            if meta.id != nil { result.address.key = item.text }
            result.dependsOnLocations = meta.dependsOn
            result.keep = meta.keep ?? schema.keptByDefault
            return result
        }
    }

    /// Records the addresses a resource with errors would have declared, so that resources referring to it are
    /// not also reported as referring to something undeclared.
    private func rememberUndecoded(schema: TypeSchema, id: String?, key: Value?, packages: [Value]?, keyAttempted: Bool) {
        func address(_ key: String) -> Address {
            let isPath = schema.keyParameter.kind == .path
            return Address(type: schema.name, key: isPath ? PathNormalizer.addressForm(key, home: host.home) : key)
        }
        if let packages {
            undecodedAddresses.formUnion(packages.map { address($0.text) })
        } else if let id {
            undecodedAddresses.insert(Address(type: schema.name, key: id))
        } else if let key {
            undecodedAddresses.insert(address(key.text))
        } else if keyAttempted {
            typesWithUndecodedKeys.insert(schema.name)
        }
    }

    // MARK: Meta-parameters

    struct MetaValues {
        var id: String?
        var dependsOn: [(Address, SourceLocation)] = []
        var when: WhenCondition?
        var ensure: ResourceSpec.Ensure?
        var tags: [String] = []
        var sensitive: [(String, Mark)] = []
        var retry: ResourceSpec.RetryPolicy?
        var timeout: Double?
        var keep: Bool?
        var failed = false
    }

    private func metaString(_ node: Node, _ file: LoadedFile, name: String) -> String? {
        guard let scalar = node.scalar, !node.isNull else {
            error("'\(name)' must be a string, found \(node.kindDescription)", file, node.mark)
            return nil
        }
        guard let value = interpolate(node, scalar, file, outputs: nil) else { return nil }
        return value.text
    }

    private func decodeMeta(_ key: String, _ node: Node, _ file: LoadedFile, schema: TypeSchema, into meta: inout MetaValues) {
        let before = diagnostics.count
        defer { if diagnostics.count > before { meta.failed = true } }
        switch key {
        case "dependsOn":
            let itemNodes = node.sequence ?? [node]
            for item in stringItems(node, file, what: "dependsOn") {
                // Interpolate through the item's node, so that an unknown variable is reported as such.
                guard let itemNode = itemNodes.first(where: { $0.mark == item.mark }), let scalar = itemNode.scalar,
                      let value = interpolate(itemNode, scalar, file, outputs: nil) else { continue }
                let text = value.text
                guard let address = Address(parsing: text, home: host.home) else {
                    error("'\(text)' is not an address", file, item.mark,
                          hint: "write TYPE:KEY, e.g. apt:git or file:~/.gitconfig")
                    continue
                }
                meta.dependsOn.append((address, SourceLocation(file: file.name, mark: item.mark)))
            }
        case "ensure":
            guard let text = metaString(node, file, name: key) else { return }
            guard let ensure = ResourceSpec.Ensure(rawValue: text) else {
                error("'\(text)' is not a valid value for 'ensure'" + Suggestion.phrase(for: text, in: MetaParameters.ensureValues),
                      file, node.mark, hint: "expected present or absent")
                return
            }
            meta.ensure = ensure
        case "tags":
            meta.tags = stringItems(node, file, what: "tags").map(\.text)
        case "sensitive":
            meta.sensitive = stringItems(node, file, what: "sensitive").map { ($0.text, $0.mark) }
        case "when":
            meta.when = decodeWhen(node, file)
        case "retry":
            guard let pairs = node.mapping else {
                error("'retry' must be a mapping with attempts and backoff, found \(node.kindDescription)", file, node.mark,
                      hint: "retry: { attempts: 5, backoff: 2s }")
                return
            }
            var policy = ResourceSpec.RetryPolicy()
            for pair in pairs {
                let name = pair.key.scalar?.value ?? ""
                switch name {
                case "attempts":
                    guard let text = pair.value.scalar?.value, let n = Int(text), n >= 1 else {
                        error("'attempts' must be a whole number of at least 1, found \(Self.shown(pair.value))", file,
                              pair.value.mark)
                        continue
                    }
                    policy.attempts = n
                case "backoff":
                    guard let text = pair.value.scalar?.value, let seconds = Self.seconds(text) else {
                        error("'backoff' must be seconds or a duration such as 2s, found \(Self.shown(pair.value))", file,
                              pair.value.mark)
                        continue
                    }
                    policy.backoff = seconds
                default:
                    error("unknown key '\(name)' in 'retry'" + Suggestion.phrase(for: name, in: MetaParameters.retryKeys),
                          file, pair.key.mark, hint: "retry takes attempts and backoff")
                }
            }
            meta.retry = policy
        case "keep":
            // A boolean as YAML reads one (`True` too), or the quoted words true and false.
            let resolved = node.scalar.map { ScalarResolution.resolve($0, tag: node.tag) }
            switch node.isNull ? nil : node.scalar?.value {
            case _ where resolved == .bool(true), "true": meta.keep = true
            case _ where resolved == .bool(false), "false": meta.keep = false
            default:
                error("'keep' must be true or false, found \(Self.shown(node))", file, node.mark,
                      hint: "keep: true leaves the resource in place when it leaves the config")
            }
        case "timeout":
            guard let text = node.scalar?.value, let seconds = Self.seconds(text), seconds > 0 else {
                error("'timeout' must be seconds or a duration such as 90s or 5m, found \(Self.shown(node))", file,
                      node.mark)
                return
            }
            meta.timeout = seconds
        default:
            break
        }
    }

    /// A value as a message quotes it: a scalar's text in quotes, otherwise what kind of thing it is.
    static func shown(_ node: Node) -> String {
        if let scalar = node.scalar, !node.isNull { return "'\(scalar.value)'" }
        return node.kindDescription
    }

    /// Seconds from `30`, `1.5`, `90s`, `5m`, `1h`.
    static func seconds(_ text: String) -> Double? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            if let number = Double(text.dropLast(suffix.count)), number >= 0 { return number * factor }
        }
        if let number = Double(text), number >= 0 { return number }
        return nil
    }

    private func decodeWhen(_ node: Node, _ file: LoadedFile) -> WhenCondition? {
        guard let pairs = node.mapping else {
            error("'when' must be a mapping (os, distro, arch, hostname, env), found \(node.kindDescription)", file,
                  node.mark, hint: "when: { os: linux }")
            return nil
        }
        var condition = WhenCondition()
        for pair in pairs {
            let name = pair.key.scalar?.value ?? ""
            switch name {
            case "os", "distro", "arch", "hostname":
                let values = stringItems(pair.value, file, what: "when.\(name)").map(\.text)
                condition.facts[name] = values
            case "env":
                if let envPairs = pair.value.mapping {
                    for envPair in envPairs {
                        guard let variable = envPair.key.scalar?.value else { continue }
                        condition.environment[variable] = envPair.value.isNull ? nil : envPair.value.scalar?.value
                        if envPair.value.isNull { condition.environmentSet.append(variable) }
                    }
                } else {
                    condition.environmentSet += stringItems(pair.value, file, what: "when.env").map(\.text)
                }
            default:
                error("unknown condition '\(name)' in 'when'" + Suggestion.phrase(for: name, in: MetaParameters.whenKeys),
                      file, pair.key.mark, hint: "when takes os, distro, arch, hostname and env")
            }
        }
        return condition
    }

    func matches(_ condition: WhenCondition) -> Bool {
        condition.matches(host)
    }
}
