import Foundation
import Testing
import TendCore
import TendResources
import TendTestSupport

/// Randomly broken copies of the workstation example: the loader must never crash, and a config it rejects
/// must come with at least one message a person can read.
@Suite struct LoaderRobustnessTests {
    static let insertions = [":", "-", "{", "}", "[", "\"", "'", "${", "${vars.", "}", "#", "&a", "*a", "!!str ",
                             "\t", " ", "  ", "\n", "~", "<<: ", "|", ">", "%", "@", "\\", "é", "\u{0}"]

    /// One mutation of `lines`, chosen by `random`.
    static func mutate(_ lines: inout [String], _ random: inout SeededGenerator) {
        guard !lines.isEmpty else { lines = ["-"]; return }
        let index = Int.random(in: 0..<lines.count, using: &random)
        switch Int.random(in: 0..<8, using: &random) {
        case 0:
            lines.remove(at: index)
        case 1:
            lines.insert(lines[index], at: index)
        case 2:
            lines.insert(lines[Int.random(in: 0..<lines.count, using: &random)], at: index)
        case 3:
            // Re-indent: drop or add leading spaces.
            let line = lines[index]
            let indent = line.prefix { $0 == " " }.count
            let newIndent = max(0, indent + [-4, -2, -1, 1, 2, 4].randomElement(using: &random)!)
            lines[index] = String(repeating: " ", count: newIndent) + line.drop { $0 == " " }
        case 4:
            // Swap the indentation of two lines.
            let other = Int.random(in: 0..<lines.count, using: &random)
            let a = lines[index], b = lines[other]
            let indentA = a.prefix { $0 == " " }, indentB = b.prefix { $0 == " " }
            lines[index] = String(indentB + a.drop { $0 == " " })
            lines[other] = String(indentA + b.drop { $0 == " " })
        case 5:
            var chars = Array(lines[index])
            if !chars.isEmpty { chars.remove(at: Int.random(in: 0..<chars.count, using: &random)) }
            lines[index] = String(chars)
        case 6:
            var chars = Array(lines[index])
            if !chars.isEmpty {
                let at = Int.random(in: 0..<chars.count, using: &random)
                chars.insert(chars[at], at: at)
            }
            lines[index] = String(chars)
        default:
            var chars = Array(lines[index])
            let at = Int.random(in: 0...chars.count, using: &random)
            chars.insert(contentsOf: insertions.randomElement(using: &random)!, at: at)
            lines[index] = String(chars)
        }
    }

    /// 4 x 75 mutants, each with 1 to 4 mutations; the batches run in parallel.
    static let batches = 0..<4
    static let mutantsPerBatch = 75

    @Test(arguments: batches)
    func mutatedWorkstationConfigsNeverCrash(batch: Int) throws {
        let path = packageRoot.appendingPathComponent("examples/workstation.yaml").path
        let original = try String(contentsOfFile: path, encoding: .utf8)
        let originalLines = original.components(separatedBy: "\n")
        let loader = fixedLoader(workingDirectory: packageRoot.path)
        var random = SeededGenerator(seed: 0x7E4D + UInt64(batch))
        var rejected = 0
        for iteration in 0..<Self.mutantsPerBatch {
            var lines = originalLines
            for _ in 0..<Int.random(in: 1...4, using: &random) { Self.mutate(&lines, &random) }
            let text = lines.joined(separator: "\n")
            let result = loader.load(text: text, path: "examples/workstation.yaml")
            let output = rendered(result)
            let context = "batch \(batch), mutant \(iteration):\n\(text)\n--- diagnostics:\n\(output)"
            if result.hasErrors {
                rejected += 1
                #expect(result.config == nil, "\(context)")
                #expect(result.diagnostics.contains { $0.severity == .error && !$0.message.isEmpty }, "\(context)")
                #expect(!output.isEmpty, "\(context)")
            } else {
                #expect(result.config != nil, "\(context)")
            }
            for diagnostic in result.diagnostics {
                #expect(!diagnostic.message.isEmpty, "\(context)")
                if let location = diagnostic.location {
                    #expect(result.sources[location.file] != nil, "diagnostic in a file never read: \(context)")
                    #expect(location.mark.line >= 1 && location.mark.column >= 1, "\(context)")
                }
            }
        }
        // Most mutations break something; a run where few did means the mutations do not reach the loader.
        #expect(rejected > Self.mutantsPerBatch / 4, "only \(rejected) of \(Self.mutantsPerBatch) mutants were rejected")
    }
}
