import EC2SSHCore
import EC2SSHShared
import Logging

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The key command's cache, kept in line with the accounts a run leaves.
extension ImportRun {
    /// Deletes the key cache entries of the accounts this run deleted (in `before`, gone from `after`), so a later
    /// account of the same name can never be served them; returns how many could not be deleted (each logged).
    func forgetDeletedAccounts(before: ManagedState, after: ManagedState) -> Int {
        let deleted = before.accounts.keys.filter { after.accounts[$0] == nil }
        guard !deleted.isEmpty, let snapshot = dependencies.keySnapshot else { return 0 }
        let failures = snapshot.forget(localNames: deleted)
        for failure in failures {
            logger.error("key cache: \(failure)")
        }
        return failures.count
    }

    /// In cache-first mode (KEY_CACHE_TTL above 0), refreshes the key cache of every active managed account this
    /// run's IAM view authorizes; returns how many entries could not be refreshed (each problem is logged).
    func refreshKeyCache(state: ManagedState, view: IAMView, now: Date) -> Int {
        guard settings.configuration.keyCacheTTL > 0 else { return 0 }
        guard let snapshot = dependencies.keySnapshot else {
            logger.debug("KEY_CACHE_TTL is set but this build cannot refresh the key cache; the key command fills it")
            return 0
        }
        var users: [String: ManagedKeyUser] = [:]
        for (name, account) in state.accounts
        where account.grantsAccess && view.authorized.contains(account.iamUserName) {
            users[name] = ManagedKeyUser(iamUserName: account.iamUserName, iamUserID: account.iamUserID)
        }
        let failures = snapshot.refresh(users: users, now: now)
        for failure in failures {
            logger.error("key cache: \(failure)")
        }
        if failures.isEmpty { logger.info("key cache refreshed for \(Self.count(users.count, "user"))") }
        return failures.count
    }
}
