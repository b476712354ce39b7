import Foundation
import TendCore

/// Ctrl-C (and SIGTERM) during an apply: the first stops new changes and gives running ones a grace period,
/// then terminates them; a second terminates them at once.
final class InterruptHandler: @unchecked Sendable {
    static let grace: Double = 10
    private let stop: StopSignal
    private var sources: [any DispatchSourceSignal] = []
    private let lock = NSLock()
    private var count = 0

    init(stop: StopSignal) {
        self.stop = stop
    }

    func install() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [weak self] in self?.interrupted() }
            source.resume()
            sources.append(source)
        }
    }

    private func interrupted() {
        let seen = lock.withLock { () -> Int in
            count += 1
            return count
        }
        if seen == 1 {
            Terminal.write("\nStopping: no new changes will start; running ones get \(Int(Self.grace))s to finish (Ctrl-C again to stop them now).\n",
                           to: .standardError)
            stop.requestStop()
            let stop = self.stop
            DispatchQueue.global().asyncAfter(deadline: .now() + Self.grace) { stop.requestTermination() }
        } else {
            Terminal.write("\nStopping running changes now.\n", to: .standardError)
            stop.requestTermination()
        }
    }
}
