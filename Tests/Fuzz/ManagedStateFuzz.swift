import EC2SSHCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// libFuzzer's entry point for the decoder of import_users' state file (`ManagedState.decoded`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManagedState(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    ManagedStateFuzz.check(fuzzBytes(data, size))
    return 0
}

/// The invariants of the state decoder, checked on one file.
///
/// - it throws only `PlanError.corruptState` or `PlanError.unsupportedStateVersion`;
/// - an accepted state has a supported version, valid local names and no negative missing-run count;
/// - what it accepts re-encodes consistently: the encoding decodes again, to the same state (dates within one
///   second, since ISO-8601 keeps whole seconds), and encoding that gives the same bytes.
enum ManagedStateFuzz {
    /// Checks every invariant on `bytes`.
    static func check(_ bytes: [UInt8]) {
        let state: ManagedState
        do {
            state = try ManagedState.decoded(from: Data(bytes))
        } catch {
            switch error {
            case .corruptState, .unsupportedStateVersion: return
            default: fuzzRequire(false, "ManagedState.decoded threw \(error)")
            }
            return
        }
        fuzzRequire((1...ManagedState.currentVersion).contains(state.version), "version \(state.version) accepted")
        for (name, account) in state.accounts {
            fuzzRequire(NameMapping.isValidLocalName(name), "local name \(String(reflecting: name)) accepted")
            fuzzRequire(account.missingRuns >= 0, "missingRuns \(account.missingRuns) accepted")
        }
        let first = encode(state)
        let again = decode(first)
        fuzzRequire(sameState(state, again), "the state changes when written and read back")
        fuzzRequire(encode(again) == first, "writing the state read back gives different bytes")
    }

    /// The encoding of `state`; encoding a decoded state must not fail.
    static func encode(_ state: ManagedState) -> Data {
        do {
            return try state.encoded()
        } catch {
            fuzzUnexpected(error, from: "ManagedState.encoded")
        }
    }

    /// The state in `data`, which this code wrote and must read back.
    static func decode(_ data: Data) -> ManagedState {
        do {
            return try ManagedState.decoded(from: data)
        } catch {
            fuzzUnexpected(error, from: "ManagedState.decoded of its own encoding")
        }
    }

    /// Whether two states agree, their dates to within a second.
    static func sameState(_ lhs: ManagedState, _ rhs: ManagedState) -> Bool {
        guard lhs.version == rhs.version, lhs.accounts.keys.sorted() == rhs.accounts.keys.sorted() else {
            return false
        }
        return lhs.accounts.allSatisfy { name, account in
            guard var other = rhs.accounts[name] else { return false }
            let close = abs(other.createdAt.timeIntervalSince(account.createdAt)) < 1
            other.createdAt = account.createdAt
            return close && other == account
        }
    }
}
