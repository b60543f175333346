@testable import AuthorizedKeys
@testable import EC2SSHShared
@testable public import ImportUsers

/// Lets tests write `["alice": "alice"]` for the users of a key snapshot: the UserId is `AIDA` + the name in
/// upper case, letters only (as `FakeAWSReader.userID`).
extension ManagedKeyUser: ExpressibleByStringLiteral {
    public init(stringLiteral iamUserName: String) {
        let id = "AIDA" + iamUserName.uppercased().filter { $0.isLetter }
        self.init(iamUserName: iamUserName, iamUserID: id)
    }
}
