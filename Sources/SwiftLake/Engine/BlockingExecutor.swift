/// Runs blocking engine calls (DuckDB's C API blocks its calling thread) off the caller's
/// executor, so async callers — server request handlers above all — never block Swift's
/// cooperative thread pool, and one long call never delays another (see ``EngineThreadPool``).
enum BlockingExecutor {
    /// Runs `body` on a dedicated engine thread and returns its result.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            EngineThreadPool.shared.submit {
                continuation.resume(with: Result { try body() })
            }
        }
    }
}
