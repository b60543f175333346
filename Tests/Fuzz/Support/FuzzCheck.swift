/// Stops the fuzzer with `message` when an invariant does not hold; libFuzzer then saves the input as an artifact.
///
/// The message starts with `FUZZ INVARIANT`, which scripts/fuzz looks for in the log.
func fuzzRequire(
    _ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line
) {
    guard !condition else { return }
    fatalError("FUZZ INVARIANT: \(message())", file: file, line: line)
}

/// Stops the fuzzer because `error` is not of the type the API under test documents.
func fuzzUnexpected(_ error: any Error, from operation: String, file: StaticString = #fileID, line: UInt = #line)
    -> Never
{
    fatalError("FUZZ INVARIANT: \(operation) threw \(type(of: error)): \(error)", file: file, line: line)
}

/// The bytes libFuzzer hands to `LLVMFuzzerTestOneInput`, copied into an array.
func fuzzBytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
}
