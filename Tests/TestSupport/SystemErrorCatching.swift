package import EC2SSHSystem
package import Testing

/// Runs `body` and returns the `SystemError` it throws; records an issue when it throws nothing or something else.
package func systemError(sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) -> SystemError? {
    do {
        try body()
        Issue.record("expected a SystemError, nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as SystemError {
        return error
    } catch {
        Issue.record("expected a SystemError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}
