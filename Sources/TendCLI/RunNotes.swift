import Foundation
import TendCore

/// The notes of one run that belong to no resource ("new shells pick up ..."): every env, alias and path
/// change writes the same profile and says the same sentence, which a reader needs once, not once per change.
final class RunNotes: @unchecked Sendable {
    private let lock = NSLock()
    private var shown: Set<String> = []

    /// False for an address-less note already shown in this run; commands ("$ ...") and a resource's own lines
    /// always pass, since each says something about its own change.
    func firstTime(_ address: Address?, _ text: String) -> Bool {
        guard address == nil, !text.hasPrefix("$ ") else { return true }
        return lock.withLock { shown.insert(text).inserted }
    }
}
