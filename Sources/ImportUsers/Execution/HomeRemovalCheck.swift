public import EC2SSHCore
import EC2SSHShared
public import EC2SSHSystem

/// Reads the facts `HomeRemoval` decides on: the home base from useradd's defaults, the `lstat` of the home and
/// the home of every other account.
public struct HomeRemovalCheck: Sendable {
    private let fileSystem: any FileSystem
    private let accounts: any AccountDatabase
    private let useraddDefaults: String

    /// Creates the check; `useraddDefaults` is the path of /etc/default/useradd.
    public init(fileSystem: any FileSystem, accounts: any AccountDatabase, useraddDefaults: String) {
        self.fileSystem = fileSystem
        self.accounts = accounts
        self.useraddDefaults = useraddDefaults
    }

    /// Whether userdel may remove the home of `user`; a fact that cannot be read keeps the home.
    public func decision(for user: LocalUser) -> HomeRemoval.Decision {
        do {
            return HomeRemoval.decide(try facts(for: user))
        } catch {
            return .keep(reason: "its home cannot be checked: \(error)")
        }
    }

    private func facts(for user: LocalUser) throws -> HomeRemoval.Facts {
        let defaults = try fileSystem.readFile(useraddDefaults).map { String(decoding: $0, as: UTF8.self) }
        let status = user.home.hasPrefix("/") ? try fileSystem.status(user.home) : nil
        var others: [String: String] = [:]
        for other in try accounts.allUsers() where other.name != user.name {
            others[other.name] = other.home
        }
        return HomeRemoval.Facts(
            localName: user.name, uid: user.uid, home: user.home,
            homeBase: HomeRemoval.homeBase(fromUseraddDefaults: defaults),
            homeStatus: status.map { HomeRemoval.HomeStatus(kind: kind(of: $0.type), ownerUID: $0.uid) },
            otherHomes: others)
    }

    private func kind(of type: FileType) -> HomeRemoval.HomeStatus.Kind {
        switch type {
        case .directory: return .directory
        case .symbolicLink: return .symbolicLink
        case .regular, .other: return .other
        }
    }
}
