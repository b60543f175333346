import AWSCore
import Testing

/// The detail of the `AWSError.malformedResponse` that `body` throws; records an issue for anything else.
func malformedDetail(_ body: () throws -> Void) -> String {
    do {
        try body()
        Issue.record("expected AWSError.malformedResponse, got success")
    } catch AWSError.malformedResponse(let detail) {
        return detail
    } catch {
        Issue.record("expected AWSError.malformedResponse, got \(error)")
    }
    return ""
}
