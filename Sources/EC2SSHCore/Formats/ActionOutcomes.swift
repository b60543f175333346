/// What became of each action of a plan in a real run, in plan order: the executor fills it in as it goes.
public struct ActionOutcomes: Sendable, Equatable {
    /// What became of one action.
    public enum Outcome: Sendable, Equatable {
        /// The action ran and succeeded.
        case applied
        /// The action ran and failed; the message says why.
        case failed(message: String)
        /// The action did not run (an earlier action for its account, or a group it needs, failed; or the run
        /// ended first).
        case skipped
    }

    /// One outcome per plan action, in plan order; every action starts as `skipped`.
    public private(set) var outcomes: [Outcome]

    /// Outcomes for a plan of `count` actions, all `skipped` until recorded otherwise.
    public init(count: Int) {
        outcomes = Array(repeating: .skipped, count: max(0, count))
    }

    /// Records that action number `index` succeeded.
    public mutating func applied(_ index: Int) {
        guard outcomes.indices.contains(index) else { return }
        outcomes[index] = .applied
    }

    /// Records that action number `index` failed with `message`.
    public mutating func failed(_ index: Int, message: String) {
        guard outcomes.indices.contains(index) else { return }
        outcomes[index] = .failed(message: message)
    }

    /// The outcome of action number `index`; `skipped` for an index out of range.
    public subscript(index: Int) -> Outcome {
        outcomes.indices.contains(index) ? outcomes[index] : .skipped
    }

    /// How many actions were applied.
    public var appliedCount: Int { outcomes.count { $0 == .applied } }
    /// How many actions failed.
    public var failedCount: Int { outcomes.count { if case .failed = $0 { return true } else { return false } } }
    /// How many actions did not run.
    public var skippedCount: Int { outcomes.count { $0 == .skipped } }
}
