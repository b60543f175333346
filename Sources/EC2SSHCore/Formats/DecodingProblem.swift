#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Says in plain words what is wrong with a JSON file that did not decode, instead of Swift's
/// `DecodingError.dataCorrupted: Data was corrupted`.
public enum DecodingProblem {
    /// One phrase for `error`, such as "it is not valid JSON" or "the field accounts.alice.status is missing".
    public static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? "it is not valid JSON (empty, truncated or not a JSON document)"
                : "the field \(path(context.codingPath)) has an invalid value"
        case .keyNotFound(let key, let context):
            return "the field \(path(context.codingPath + [key])) is missing"
        case .typeMismatch(_, let context):
            return "the field \(path(context.codingPath)) has the wrong type"
        case .valueNotFound(_, let context):
            return "the field \(path(context.codingPath)) is null"
        @unknown default:
            return "it cannot be read as this version's format"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty
            ? "(top level)" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}
