import ArgumentParser
import Foundation
import TendCore

/// What `tend import` and `tend init` share: which types to ask, how to say what a type could not list, and
/// the merge into an existing config (diff, confirmation, an atomic write that keeps the file's mode and owner).
enum ImportSelection {
    /// The types to ask: those named (each checked), else every type that can list what the host has.
    static func names(_ requested: [String], importer: Importer) throws -> [String] {
        let importable = importer.importableNames
        guard !requested.isEmpty else { return importable }
        var names: [String] = []
        for name in requested where !names.contains(name) {
            guard importer.registry[name] != nil else {
                throw ValidationError("unknown type '\(TerminalText.escape(name))'"
                                      + Suggestion.phrase(for: name, in: importer.registry.catalog.names)
                                      + "; run 'tend types' to list them")
            }
            guard importable.contains(name) else {
                throw ValidationError("type \(name) cannot list what this machine has, so it cannot be imported; "
                                      + "types that can: \(importable.joined(separator: ", "))")
            }
            names.append(name)
        }
        return names
    }

    /// Says on standard error what each type found or why it found nothing. Types nobody named that found
    /// nothing, or have no tool here, are summed up in a line each rather than listed one by one.
    static func reportProblems(_ found: [ImportedType], named: Bool) {
        var quiet: [String] = []
        var empty: [String] = []
        for type in found {
            if let problem = type.problem {
                if named {
                    Terminal.write("tend import: \(type.name): \(TerminalText.escape(problem))\n", to: .standardError)
                } else {
                    quiet.append(type.name)
                }
            } else if type.resources.isEmpty && !named {
                empty.append(type.name)
            } else {
                let count = type.resources.count
                Terminal.write("tend import: \(type.name): \(count) resource\(count == 1 ? "" : "s")\n",
                               to: .standardError)
            }
        }
        if !empty.isEmpty {
            Terminal.write("tend import: nothing found for \(empty.joined(separator: ", "))\n", to: .standardError)
        }
        if !quiet.isEmpty {
            Terminal.write("tend import: nothing listed for \(quiet.joined(separator: ", ")) (tool missing or "
                           + "not usable here; name a type to see why)\n", to: .standardError)
        }
    }

    /// Adds to `path` what it lacks, after showing the diff and, unless `yes`, asking on the terminal.
    static func merge(_ found: [ImportedType], into path: String, context: CommandContext, yes: Bool,
                      color: Bool) async throws {
        let result = context.engine.loadConfig(path: path)
        guard let config = result.config, !result.hasErrors else {
            let renderer = DiagnosticRenderer(sources: result.sources, color: color)
            Terminal.write(renderer.render(result.diagnostics), to: .standardError)
            throw ExitCode(1)
        }
        let absolute = config.rootPath
        let bytes = try context.run { try RegularFileReader.read(absolute, limit: RegularFileReader.configLimit) }
        let text = String(decoding: bytes, as: UTF8.self)
        let merge = try context.run {
            try ImportMerge(text: text, path: path, config: config, found: found, home: context.host.home)
        }
        guard merge.count > 0 else {
            Terminal.write("\(TerminalText.escape(path)) already declares everything import found; nothing to add.\n")
            return
        }
        // The merged text must load as a config that declares everything it did before, and more.
        let check = context.engine.loadConfig(text: merge.after, path: absolute)
        guard let merged = check.config, !check.hasErrors,
              Set(config.allResources.map(\.address)).isSubset(of: Set(merged.allResources.map(\.address)))
        else {
            context.fail(ImportCommandError.mergeDoesNotLoad(path: path))
        }
        Terminal.write(LineDiff.unified(before: merge.before, after: merge.after, beforeLabel: path,
                                        afterLabel: path + " (merged)"))
        Terminal.write("\nAdd \(merge.count) resource\(merge.count == 1 ? "" : "s") to \(TerminalText.escape(path))?")
        guard yes || ask() else {
            Terminal.write(ApplyRunner.canAsk() ? "\nNothing was written.\n"
                           : "\nNothing was written: without a terminal to ask on, pass --yes.\n")
            throw ExitCode(1)
        }
        try context.run { try ConfigFileWriter.replace(absolute, expected: bytes, with: Array(merge.after.utf8)) }
        Terminal.write("\nWrote \(TerminalText.escape(path)): \(merge.count) resource\(merge.count == 1 ? "" : "s") added.\n")
    }

    private static func ask() -> Bool {
        guard ApplyRunner.canAsk() else { return false }
        Terminal.write(" Only 'yes' is accepted: ")
        return readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces) == "yes"
    }
}

/// Why `tend import --merge` stopped.
enum ImportCommandError: Error, CustomStringConvertible {
    case mergeDoesNotLoad(path: String)

    var description: String {
        switch self {
        case .mergeDoesNotLoad(let path):
            return "the merged \(path) would not load as the same config plus the new resources; nothing was "
                + "written (run 'tend import' without --merge and paste what you need)"
        }
    }
}
