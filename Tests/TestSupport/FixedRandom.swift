import AWSCore

/// Jitter that always draws the same number.
package struct FixedRandom: RandomSource {
    /// The number every draw returns, in [0, 1].
    package var value: Double

    /// Creates a source that always draws `value`.
    package init(value: Double = 1.0) {
        self.value = value
    }

    /// Returns `value`.
    package func nextUnit() -> Double { value }
}
