import AWSCore

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    import Foundation
#endif

/// When cached keys may be printed instead of (or after failing to get) a fresh IAM answer.
///
/// By default IAM is asked first. With KEY_CACHE_TTL > 0, keys younger than the TTL are printed without any IAM
/// call. When IAM cannot be reached, is throttled or times out, keys younger than KEY_CACHE_STALE_MAX are printed
/// (0 disables this). An entry dated more than `futureTolerance` seconds ahead of the clock is never used.
public struct KeyCachePolicy: Sendable, Equatable {
    /// KEY_CACHE_TTL in seconds; 0 always asks IAM first.
    public var ttl: Double
    /// KEY_CACHE_STALE_MAX in seconds; 0 never serves stale keys.
    public var staleMax: Double

    /// How far in the future a cache entry may be dated (clock adjustments) before it is distrusted.
    public static let futureTolerance = 300.0

    /// Creates a policy.
    public init(ttl: Double, staleMax: Double) {
        self.ttl = max(0, ttl)
        self.staleMax = max(0, staleMax)
    }

    /// Whether entries are worth writing at all.
    public var usesCache: Bool { ttl > 0 || staleMax > 0 }

    /// The age of an entry fetched at `fetchedAt`, or `nil` when it is dated too far in the future.
    public func age(fetchedAt: Date, now: Date) -> Double? {
        let age = now.timeIntervalSince(fetchedAt)
        guard age >= -Self.futureTolerance else { return nil }
        return max(0, age)
    }

    /// Whether an entry fetched at `fetchedAt` is printed without asking IAM (cache-first mode).
    public func servesWithoutIAM(fetchedAt: Date, now: Date) -> Bool {
        guard ttl > 0, let age = age(fetchedAt: fetchedAt, now: now) else { return false }
        return age < ttl
    }

    /// Whether an entry fetched at `fetchedAt` is printed after IAM failed with an error that allows it.
    public func servesStale(fetchedAt: Date, now: Date) -> Bool {
        guard staleMax > 0, let age = age(fetchedAt: fetchedAt, now: now) else { return false }
        return age < staleMax
    }

    /// Whether `error` means IAM was unreachable, throttled or too slow, so the stale cache may be used.
    ///
    /// True for retryable `AWSError`s (throttling, 5xx, timeouts, network errors) and an exhausted deadline;
    /// false for everything else (AccessDenied, NoSuchEntity, bad responses, configuration, credentials).
    public static func allowsStaleFallback(after error: any Error) -> Bool {
        guard let error = error as? AWSError else { return false }
        if case .deadlineExceeded = error { return true }
        return error.isRetryable
    }
}
