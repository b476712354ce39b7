import Foundation
import TendCore
import TendYAML

/// The work of one inventory load: the diagnostics found so far and the decoding of each section.
struct InventorySession {
    let file: String
    var diagnostics: [Diagnostic] = []

    init(file: String) {
        self.file = file
    }

    mutating func error(_ message: String, _ mark: Mark, hint: String? = nil) {
        diagnostics.append(.error(message, at: SourceLocation(file: file, mark: mark), hint: hint))
    }

    mutating func decode(_ root: Node?) -> [FleetHost] {
        guard let root, !root.isNull else {
            error("the inventory is empty", .start, hint: "write 'fleet: 1' and a 'hosts:' mapping of names to addresses")
            return []
        }
        guard let pairs = root.mapping else {
            error("the top level of an inventory must be a mapping, found \(root.kindDescription)", root.mark,
                  hint: "write 'fleet: 1' and a 'hosts:' mapping of names to addresses")
            return []
        }
        checkDuplicates(pairs)
        var common: [Pair] = []
        var groupNodes: [Pair] = []
        var hostNodes: [Pair]?
        for pair in pairs {
            let key = pair.key.scalar?.value ?? ""
            switch key {
            case "fleet":
                if pair.value.scalar?.value != String(InventoryLoader.formatVersion) || pair.value.scalar?.style != .plain {
                    error("unsupported inventory version '\(pair.value.scalar?.value ?? pair.value.kindDescription)'; "
                          + "this tend reads version \(InventoryLoader.formatVersion)", pair.value.mark,
                          hint: "write 'fleet: \(InventoryLoader.formatVersion)'")
                }
            case "vars": common = variables(pair.value, what: "vars")
            case "groups":
                guard let items = mapping(pair.value, what: "groups", example: "groups: { laptops: { hosts: [a, b] } }") else { continue }
                groupNodes = items
            case "hosts":
                hostNodes = mapping(pair.value, what: "hosts", example: "hosts: { web1: { address: deploy@10.0.0.5 } }")
            default:
                error("unknown top-level key '\(key)'" + Suggestion.phrase(for: key, in: InventoryLoader.topLevelKeys),
                      pair.key.mark, hint: "an inventory has fleet, vars, groups and hosts")
            }
        }
        guard let hostNodes else {
            error("the inventory lists no hosts", root.mark, hint: "add 'hosts:' with one entry per machine")
            return []
        }
        let hostNames = hostNodes.compactMap { $0.key.scalar?.value }
        var groups: [(name: String, hosts: [String], vars: [Pair])] = []
        for group in groupNodes {
            guard let name = group.key.scalar?.value else { continue }
            guard Self.isPlainName(name) else {
                error("the group name '\(name)' must be letters, digits, '.', '-' and '_'", group.key.mark)
                continue
            }
            var members: [String] = []
            var vars: [Pair] = []
            if let keys = mapping(group.value, what: "group '\(name)'", example: "\(name): { hosts: [a, b], vars: { x: 1 } }") {
                for pair in keys {
                    let key = pair.key.scalar?.value ?? ""
                    switch key {
                    case "hosts":
                        for item in strings(pair.value, what: "hosts of group '\(name)'") {
                            if hostNames.contains(item.text) {
                                members.append(item.text)
                            } else {
                                error("group '\(name)' lists '\(item.text)', which is not a host of this inventory"
                                      + Suggestion.phrase(for: item.text, in: hostNames), item.mark,
                                      hint: "add it under 'hosts:', or correct the name")
                            }
                        }
                    case "vars": vars = variables(pair.value, what: "vars of group '\(name)'")
                    default:
                        error("unknown key '\(key)' in group '\(name)'" + Suggestion.phrase(for: key, in: InventoryLoader.groupKeys),
                              pair.key.mark, hint: "a group has hosts and vars")
                    }
                }
            }
            groups.append((name, members, vars))
        }
        var hosts: [FleetHost] = []
        for entry in hostNodes {
            if let host = decodeHost(entry, common: common, groups: groups) { hosts.append(host) }
        }
        return hosts
    }

    private mutating func decodeHost(_ entry: Pair, common: [Pair],
                                     groups: [(name: String, hosts: [String], vars: [Pair])]) -> FleetHost? {
        guard let name = entry.key.scalar?.value, !name.isEmpty else {
            error("a host name must be a string", entry.key.mark)
            return nil
        }
        var address = (text: name, mark: entry.key.mark)
        var ownGroups: [String] = []
        var ownVars: [Pair] = []
        if !entry.value.isNull {
            if let keys = mapping(entry.value, what: "host '\(name)'", example: "\(name): { address: me@\(name):22 }") {
                for pair in keys {
                    let key = pair.key.scalar?.value ?? ""
                    switch key {
                    case "address":
                        guard let scalar = pair.value.scalar, !pair.value.isNull else {
                            error("'address' of host '\(name)' must be a string, found \(pair.value.kindDescription)",
                                  pair.value.mark, hint: "address: user@host:port, or an alias of ~/.ssh/config")
                            continue
                        }
                        address = (scalar.value, pair.value.mark)
                    case "groups":
                        ownGroups = strings(pair.value, what: "groups of host '\(name)'").map(\.text)
                    case "vars":
                        ownVars = variables(pair.value, what: "vars of host '\(name)'")
                    default:
                        error("unknown key '\(key)' in host '\(name)'" + Suggestion.phrase(for: key, in: InventoryLoader.hostKeys),
                              pair.key.mark, hint: "a host has address, groups and vars")
                    }
                }
            }
        }
        let destination: SSHDestination
        do {
            destination = try SSHDestination.parse(address.text)
        } catch let problem {
            error(problem.description, address.mark,
                  hint: "write user@host, user@host:port, [v6-address]:port, or an alias of ~/.ssh/config")
            return nil
        }
        let memberOf = groups.filter { $0.hosts.contains(name) }
        let allGroups = memberOf.map(\.name) + ownGroups.filter { own in !memberOf.contains { $0.name == own } }
        var merged: [Pair] = []
        for layer in [common] + memberOf.map(\.vars) + [ownVars] {
            for pair in layer {
                let key = pair.key.scalar?.value
                merged.removeAll { $0.key.scalar?.value == key }
                merged.append(pair)
            }
        }
        return FleetHost(name: name, destination: destination, groups: allGroups, variables: merged,
                         location: SourceLocation(file: file, mark: entry.key.mark))
    }

    private mutating func mapping(_ node: Node, what: String, example: String) -> [Pair]? {
        if node.isNull { return [] }
        guard let pairs = node.mapping else {
            error("'\(what)' must be a mapping, found \(node.kindDescription)", node.mark, hint: example)
            return nil
        }
        checkDuplicates(pairs)
        return pairs
    }

    private mutating func variables(_ node: Node, what: String) -> [Pair] {
        guard let pairs = mapping(node, what: what, example: "vars: { editor: vim }") else { return [] }
        return pairs.filter { pair in
            guard let name = pair.key.scalar?.value, Self.isPlainName(name) else {
                error("a variable name in '\(what)' must be letters, digits, '.', '-' and '_'", pair.key.mark)
                return false
            }
            return true
        }
    }

    private mutating func strings(_ node: Node, what: String) -> [(text: String, mark: Mark)] {
        if node.isNull { return [] }
        if let scalar = node.scalar { return [(scalar.value, node.mark)] }
        guard let items = node.sequence else {
            error("'\(what)' must be a name or a list of names, found \(node.kindDescription)", node.mark)
            return []
        }
        var result: [(String, Mark)] = []
        for item in items {
            guard let scalar = item.scalar, !item.isNull else {
                error("'\(what)' items must be names, found \(item.kindDescription)", item.mark)
                continue
            }
            result.append((scalar.value, item.mark))
        }
        return result
    }

    private mutating func checkDuplicates(_ pairs: [Pair]) {
        var seen: [String: Mark] = [:]
        for pair in pairs {
            guard let key = pair.key.scalar?.value else { continue }
            if let first = seen[key] {
                error("duplicate key '\(key)' (first written at \(first.line):\(first.column))", pair.key.mark,
                      hint: "remove one of them")
            } else {
                seen[key] = pair.key.mark
            }
        }
    }

    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy {
            CharacterSet.alphanumerics.contains($0) && $0.isASCII || "._-".unicodeScalars.contains($0)
        }
    }
}
