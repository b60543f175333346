#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Finds one user's entry in the bytes of managed-users.json without decoding the whole file.
///
/// In the sorted-lines layout that `ManagedUsersIndex.encoded()` writes (one user per line, sorted by the bytes of
/// the JSON-encoded local name) it binary-searches the lines and decodes only the entry it finds: about 14 line
/// comparisons and one small JSON decode at 10,000 users. Any other file (the pretty-printed layout of earlier
/// versions, until the next import_users run rewrites it, or a file edited by hand) is decoded whole, as before.
/// A sorted-lines file whose lines are not what the layout says is corrupt, never a reason to serve keys.
public enum ManagedUsersIndexLookup {
    /// The entry of `localName` in `bytes` (the file at `path`), `nil` when the index does not list it.
    ///
    /// Throws `EC2SSHError.invalidDataFile` naming `path` for a corrupt file or a newer schema.
    public static func entry(for localName: String, in bytes: [UInt8], path: String) throws
        -> ManagedUsersIndex.Entry?
    {
        try bytes.withUnsafeBufferPointer { try entry(for: localName, in: $0, path: path) }
    }

    /// The entry of `localName` in `bytes` (for example a mapped file), reading only the lines the search visits.
    public static func entry(for localName: String, in bytes: UnsafeBufferPointer<UInt8>, path: String) throws
        -> ManagedUsersIndex.Entry?
    {
        guard bytes.starts(with: ManagedUsersIndex.sortedLinesHeader) else {
            return try ManagedUsersIndex.decoded(from: Data(buffer: bytes), path: path).users[localName]
        }
        let target = try ManagedUsersIndex.encodedKey(localName)
        guard let line = try search(target, in: bytes, path: path) else { return nil }
        return try decodeEntry(bytes[line], path: path)
    }

    /// The range of the entry's JSON on the line whose key is `target` (after `key:`, without the line's
    /// comma and line feed), or `nil` when no line has that key.
    static func search(_ target: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, path: String) throws -> Range<Int>? {
        let header = ManagedUsersIndex.sortedLinesHeader.count
        let trailer = ManagedUsersIndex.sortedLinesTrailer
        guard bytes.count >= header + trailer.count,
            bytes[(bytes.count - trailer.count)...].elementsEqual(trailer)
        else { throw corrupt(path, "it does not end with the line \"}}\"") }
        let match: SortedLinesSearch.Match?
        do {
            match = try SortedLinesSearch.search(target, in: bytes, region: header..<(bytes.count - trailer.count))
        } catch {
            throw corrupt(path, error.problem)
        }
        guard let match else { return nil }
        let (keyEnd, end) = (match.keyEnd, match.line.upperBound)
        guard keyEnd < end, bytes[keyEnd] == UInt8(ascii: ":") else {
            throw corrupt(path, "a line has no ':' after its name")
        }
        let entryEnd = end > keyEnd + 1 && bytes[end - 1] == UInt8(ascii: ",") ? end - 1 : end
        return (keyEnd + 1)..<entryEnd
    }

    /// Decodes the entry JSON in `bytes`.
    static func decodeEntry(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, path: String) throws
        -> ManagedUsersIndex.Entry
    {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(ManagedUsersIndex.Entry.self, from: Data(bytes))
        } catch {
            throw corrupt(path, DecodingProblem.describe(error))
        }
    }

    /// The error for a corrupt sorted-lines file.
    static func corrupt(_ path: String, _ problem: String) -> EC2SSHError {
        .invalidDataFile(
            path: path,
            message: "the managed users index is corrupt (\(problem)); the next import_users run rewrites it")
    }
}
