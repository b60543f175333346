import AWSCore
import EC2SSHShared
import EC2SSHSystem
import Logging

/// The reads of one `IAMReader.read()`: each group is fetched once, and every failure is recorded.
///
/// Failures are not logged here: the caller reports them once, either in the `ImportError` that ends the run
/// or in the plan's incomplete-read notice.
struct IAMReadSession {
    /// Why a read gave nothing, as one line for the log and the plan.
    struct Failure: Error, Equatable {
        var text: String
        /// What to do about it, when the cause is known.
        var advice: String?
    }

    let source: any AWSReading
    let logger: Logger
    private(set) var failedReads: [String] = []
    /// The groups IAM says do not exist (`NoSuchEntity`), in the order first read; each is read as empty.
    private(set) var missingGroups: [String] = []
    /// What to do about the first failure, from `AWSFailureAdvice`.
    private(set) var advice: String?
    private var groups: [String: IAMGroupMembers?] = [:]

    init(source: any AWSReading, logger: Logger) {
        self.source = source
        self.logger = logger
    }

    /// The group `name` with its members, or `nil` (recorded once) when it cannot be read.
    ///
    /// A group IAM says does not exist (`NoSuchEntity`) is an answer, not a failed read: it has no members.
    mutating func group(_ name: String) -> IAMGroupMembers? {
        if let cached = groups[name] { return cached }
        do {
            let members = try source.getGroup(name)
            groups[name] = members
            return members
        } catch let error as AWSError where error.code == "NoSuchEntity" {
            let empty = IAMGroupMembers(group: IAMGroup(groupName: name, groupID: "", arn: ""), users: [])
            groups[name] = empty
            missingGroups.append(name)
            return empty
        } catch {
            groups[name] = .some(nil)
            record("GetGroup \(name): \(error)", error)
            return nil
        }
    }

    /// The tags of each IAM user of `names`, read `maxConcurrent` at a time; a user whose tags cannot be read
    /// maps to `nil` (each failure recorded, in the order of `names`).
    mutating func userTags(_ names: [String], maxConcurrent: Int) -> [String: [IAMTag]?] {
        let source = self.source
        let results = WorkerThreads.map(names.count, maxThreads: max(1, maxConcurrent)) { index in
            Result { try source.listUserTags(userName: names[index]) }
        }
        var tags: [String: [IAMTag]?] = [:]
        for (name, result) in zip(names, results) {
            switch result {
            case .success(let list):
                tags[name] = .some(list)
            case .failure(let error):
                record("ListUserTags \(name): \(error)", error)
                tags[name] = .some(nil)
            }
        }
        return tags
    }

    /// The IAM group names in instance tag `key`: from instance metadata, else from `ec2:DescribeTags`.
    ///
    /// A missing or empty tag is a failure (recorded), never an empty list.
    mutating func instanceTagList(_ key: String) -> Result<[String], Failure> {
        let value: String
        switch instanceTag(key) {
        case .success(let text): value = text
        case .failure(let failure):
            record(failure.text)
            if advice == nil { advice = failure.advice }
            return .failure(failure)
        }
        let groups = value.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" || $0.isNewline })
            .map(String.init)
        guard !groups.isEmpty else {
            let failure = Failure(
                text: "instance tag \(key) is empty; set it to a comma-separated list of IAM group names")
            record(failure.text)
            return .failure(failure)
        }
        var unique: [String] = []
        for group in groups where !unique.contains(group) { unique.append(group) }
        return .success(unique)
    }

    private func instanceTag(_ key: String) -> Result<String, Failure> {
        do {
            if let value = try source.instanceTagFromMetadata(key) { return .success(value) }
        } catch {
            logger.debug("instance tag \(key) is not readable from instance metadata (\(error)); trying DescribeTags")
        }
        let instanceID: String
        do {
            instanceID = try source.instanceID()
        } catch {
            return .failure(
                Failure(
                    text: "instance tag \(key): the instance id is unknown: \(error)",
                    advice: AWSFailureAdvice.advice(for: error)))
        }
        do {
            guard let value = try source.describeInstanceTag(instanceID: instanceID, key: key) else {
                return .failure(
                    Failure(
                        text: "instance \(instanceID) has no tag \(key); add the tag or remove the setting that "
                            + "names it"))
            }
            return .success(value)
        } catch {
            return .failure(
                Failure(
                    text: "DescribeTags \(key) of \(instanceID): \(error)", advice: AWSFailureAdvice.advice(for: error))
            )
        }
    }

    private mutating func record(_ text: String, _ error: (any Error)? = nil) {
        failedReads.append(text)
        if advice == nil, let error { advice = AWSFailureAdvice.advice(for: error) }
    }
}
