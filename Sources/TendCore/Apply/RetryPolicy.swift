/// How retryable failures are tried again: `attempts` tries in all, waiting `backoff * 2^(n-1)` seconds
/// (with up to 25% random jitter) before try n+1.
public struct RetryPolicy: Sendable, Hashable {
    public var attempts: Int
    public var backoff: Double

    public init(attempts: Int = 3, backoff: Double = 1) {
        self.attempts = max(1, attempts)
        self.backoff = max(0, backoff)
    }

    public init(_ spec: ResourceSpec.RetryPolicy?) {
        self.init(attempts: spec?.attempts ?? 3, backoff: spec?.backoff ?? 1)
    }

    /// Seconds to wait after failed attempt `attempt` (1-based).
    public func delay(after attempt: Int, jitter: Double = Double.random(in: 0...0.25)) -> Double {
        backoff * Double(1 << min(attempt - 1, 16)) * (1 + jitter)
    }
}
