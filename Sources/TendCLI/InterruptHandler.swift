import Foundation
import TendCore

/// The write end of the self-pipe the signal handler writes to (a C handler cannot capture context).
nonisolated(unsafe) private var interruptPipeWriteEnd: Int32 = -1

/// Ctrl-C (and SIGTERM) during an apply: the first stops new changes and gives running ones a grace period,
/// then terminates them; a second terminates them at once.
///
/// A plain sigaction handler writes a byte to a pipe that a dedicated thread reads; that thread unblocks the
/// signals for itself, so delivery does not depend on the signal mask tend inherited from its parent.
final class InterruptHandler: @unchecked Sendable {
    /// Seconds running changes get after the first Ctrl-C: 10, or `TEND_INTERRUPT_GRACE` (0 to 3600) where a
    /// slow change needs longer, or a test must not depend on how fast a loaded machine is.
    static let grace: Double = {
        guard let text = ProcessInfo.processInfo.environment["TEND_INTERRUPT_GRACE"], let seconds = Double(text),
              seconds.isFinite, (0...3600).contains(seconds) else { return 10 }
        return seconds
    }()
    private let stop: StopSignal
    private let lock = NSLock()
    private var count = 0

    init(stop: StopSignal) {
        self.stop = stop
    }

    func install() {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return }
        interruptPipeWriteEnd = fds[1]
        let readEnd = fds[0]
        var action = sigaction()
        #if os(Linux)
        action.__sigaction_handler.sa_handler = { _ in
            var byte: UInt8 = 1
            _ = write(interruptPipeWriteEnd, &byte, 1)
        }
        #else
        action.__sigaction_u.__sa_handler = { _ in
            var byte: UInt8 = 1
            _ = write(interruptPipeWriteEnd, &byte, 1)
        }
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        sigaction(SIGINT, &action, nil)
        sigaction(SIGTERM, &action, nil)
        Thread.detachNewThread { [self] in
            var signals = sigset_t()
            sigemptyset(&signals)
            sigaddset(&signals, SIGINT)
            sigaddset(&signals, SIGTERM)
            pthread_sigmask(SIG_UNBLOCK, &signals, nil)
            var byte: UInt8 = 0
            while true {
                let count = read(readEnd, &byte, 1)
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { return }
                interrupted()
            }
        }
    }

    private func interrupted() {
        let seen = lock.withLock { () -> Int in
            count += 1
            return count
        }
        if seen == 1 {
            // Stop first, then say so: once the message is out, it is true.
            stop.requestStop()
            Terminal.write("\nStopping: no new changes will start; running ones get \(Int(Self.grace))s to finish (Ctrl-C again to stop them now).\n",
                           to: .standardError)
            let stop = self.stop
            DispatchQueue.global().asyncAfter(deadline: .now() + Self.grace) { stop.requestTermination() }
        } else {
            Terminal.write("\nStopping running changes now.\n", to: .standardError)
            stop.requestTermination()
        }
    }
}
