/// The group and user records of the snapshot format: one line each, written and read field by field.
extension FleetSnapshotCodec {
    /// Writes `{"name":…,"id":…,"arn":…}`.
    static func writeGroup(_ group: FleetGroup, into writer: inout FleetJSONWriter) {
        writer.raw("{\"name\":")
        writer.string(group.name)
        writer.raw(",\"id\":")
        writer.string(group.id)
        writer.raw(",\"arn\":")
        writer.string(group.arn)
        writer.raw("}")
    }

    /// Reads a group record written by `writeGroup`.
    static func readGroup(_ line: inout FleetJSONReader) throws(FleetFormatError) -> FleetGroup {
        try line.expect("{\"name\":")
        let name = try line.string("the group name")
        guard !name.isEmpty else { throw line.error("a group name is empty") }
        try line.expect(",\"id\":")
        let id = try line.string("the id of group \(name.debugDescription)")
        try line.expect(",\"arn\":")
        let arn = try line.string("the ARN of group \(name.debugDescription)")
        try line.expect("}")
        return FleetGroup(name: name, id: id, arn: arn)
    }

    /// Throws unless `user` follows the format's rules (the encoder's check; the decoder checks while reading).
    static func check(_ user: FleetUser, groups: Set<[UInt8]>) throws(FleetFormatError) {
        try requireNonEmpty(user.name, "a user name")
        let name = user.name.debugDescription
        try requireSorted(user.groups, what: "the groups of user \(name)")
        for group in user.groups where !groups.contains(Array(group.utf8)) {
            throw FleetFormatError(part, "user \(name) is in group \(group.debugDescription), which is not listed")
        }
        try requireSorted(user.keys.map(\.id), what: "the key ids of user \(name)")
        for key in user.keys { try requireNonEmpty(key.id, "a key id of user \(name)") }
    }

    /// Writes a user record: name, id, arn, path, groups, tags (sorted by key), keys.
    static func writeUser(_ user: FleetUser, into writer: inout FleetJSONWriter) {
        writer.raw("{\"name\":")
        writer.string(user.name)
        writer.raw(",\"id\":")
        writer.string(user.id)
        writer.raw(",\"arn\":")
        writer.string(user.arn)
        writer.raw(",\"path\":")
        writer.string(user.path)
        writer.raw(",\"groups\":[")
        for (position, group) in user.groups.enumerated() {
            if position > 0 { writer.raw(",") }
            writer.string(group)
        }
        writer.raw("],\"tags\":{")
        let tags = user.tags.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
        for (position, tag) in tags.enumerated() {
            if position > 0 { writer.raw(",") }
            writer.string(tag.key)
            writer.raw(":")
            writer.string(tag.value)
        }
        writer.raw("},\"keys\":[")
        for (position, key) in user.keys.enumerated() {
            if position > 0 { writer.raw(",") }
            writer.raw("{\"id\":")
            writer.string(key.id)
            writer.raw(",\"body\":")
            writer.string(key.body)
            writer.raw(",\"fingerprint\":")
            writer.string(key.fingerprint)
            writer.raw(",\"uploaded\":")
            // The encoder checked every date before writing (`checkDates`), so this cannot fail.
            try? writer.timestamp(key.uploaded, part: part, field: "uploaded")
            writer.raw("}")
        }
        writer.raw("]}")
    }

    /// Throws when a key's upload date cannot be written (checked before `writeUser`, which cannot throw).
    static func checkDates(_ user: FleetUser) throws(FleetFormatError) {
        for key in user.keys where FleetTimestamp.text(key.uploaded) == nil {
            throw FleetFormatError(
                part,
                "the upload date of key \(key.id.debugDescription) of user \(user.name.debugDescription) is not a "
                    + "whole second between 1970 and 9999")
        }
    }

    /// Reads a user record written by `writeUser`; every group it lists must be in `groups`.
    static func readUser(_ line: inout FleetJSONReader, groups: Set<[UInt8]>?) throws(FleetFormatError) -> FleetUser {
        try line.expect("{\"name\":")
        let name = try line.string("the user name")
        guard !name.isEmpty else { throw line.error("a user name is empty") }
        let quoted = name.debugDescription
        try line.expect(",\"id\":")
        let id = try line.string("the id of user \(quoted)")
        try line.expect(",\"arn\":")
        let arn = try line.string("the ARN of user \(quoted)")
        try line.expect(",\"path\":")
        let path = try line.string("the path of user \(quoted)")
        try line.expect(",\"groups\":[")
        var memberOf: [String] = []
        while !line.skip("]") {
            if !memberOf.isEmpty { try line.expect(",") }
            let group = try line.string("a group of user \(quoted)")
            if let last = memberOf.last, !Array(last.utf8).lexicographicallyPrecedes(Array(group.utf8)) {
                throw line.error("the groups of user \(quoted) are not sorted and unique")
            }
            if let groups, !groups.contains(Array(group.utf8)) {
                throw line.error("user \(quoted) is in group \(group.debugDescription), which is not listed")
            }
            memberOf.append(group)
        }
        try line.expect(",\"tags\":{")
        var tags: [String: String] = [:]
        var lastTag: [UInt8]?
        while !line.skip("}") {
            if lastTag != nil { try line.expect(",") }
            let key = try line.string("a tag key of user \(quoted)")
            if let lastTag, !lastTag.lexicographicallyPrecedes(Array(key.utf8)) {
                throw line.error("the tag keys of user \(quoted) are not sorted and unique")
            }
            lastTag = Array(key.utf8)
            guard tags[key] == nil else {
                // Two byte-different keys Swift compares equal (canonically equivalent Unicode).
                throw line.error("the tag keys of user \(quoted) are not unique (\(key.debugDescription))")
            }
            try line.expect(":")
            tags[key] = try line.string("the value of tag \(key.debugDescription) of user \(quoted)")
        }
        try line.expect(",\"keys\":[")
        var keys: [FleetKey] = []
        while !line.skip("]") {
            if !keys.isEmpty { try line.expect(",") }
            let key = try readKey(&line, user: quoted)
            if let last = keys.last, !Array(last.id.utf8).lexicographicallyPrecedes(Array(key.id.utf8)) {
                throw line.error("the keys of user \(quoted) are not sorted by id and unique")
            }
            keys.append(key)
        }
        try line.expect("}")
        return FleetUser(name: name, id: id, arn: arn, path: path, groups: memberOf, tags: tags, keys: keys)
    }

    /// Reads one key object of a user record.
    private static func readKey(_ line: inout FleetJSONReader, user: String) throws(FleetFormatError) -> FleetKey {
        try line.expect("{\"id\":")
        let id = try line.string("a key id of user \(user)")
        guard !id.isEmpty else { throw line.error("a key id of user \(user) is empty") }
        try line.expect(",\"body\":")
        let body = try line.string("the body of key \(id.debugDescription)")
        try line.expect(",\"fingerprint\":")
        let fingerprint = try line.string("the fingerprint of key \(id.debugDescription)")
        try line.expect(",\"uploaded\":")
        let uploaded = try line.timestamp("the upload date of key \(id.debugDescription)")
        try line.expect("}")
        return FleetKey(id: id, body: body, fingerprint: fingerprint, uploaded: uploaded)
    }
}
