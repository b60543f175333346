import AWSCore
import Synchronization
import Testing

/// Jitter from numbers the test fixes: the same number for every draw, or a sequence drawn in order.
///
/// Fail-loud: drawing past the end of a sequence is a test failure (and draws 0).
package final class FixedRandom: RandomSource {
    /// What is left to draw: one value forever, or the rest of a sequence.
    private enum Source {
        case constant(Double)
        case sequence([Double])
    }

    private let source: Mutex<Source>

    /// Creates a source that always draws `value`, in [0, 1].
    package init(value: Double = 1.0) {
        source = Mutex(.constant(value))
    }

    /// Creates a source that draws `values` in order, once each.
    package init(sequence values: [Double]) {
        source = Mutex(.sequence(values))
    }

    /// The next number: the constant, or the next of the sequence.
    package func nextUnit() -> Double {
        source.withLock { source in
            switch source {
            case .constant(let value):
                return value
            case .sequence(var values):
                guard !values.isEmpty else {
                    Issue.record("FixedRandom: drawn more often than the test's sequence of numbers allows")
                    return 0
                }
                let next = values.removeFirst()
                source = .sequence(values)
                return next
            }
        }
    }
}
