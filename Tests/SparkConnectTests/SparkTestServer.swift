import DeltaOracle
import Foundation
import Testing

@testable import SparkConnect

/// The Spark Connect server of the tests: `SWIFTLAKE_SPARK_REMOTE` (what `make test` starts
/// with scripts/spark-server.sh). Without it the test says why it skips, or fails under
/// `make test` (SWIFTLAKE_TEST_FULL=1).
func sparkConnection(sourceLocation: SourceLocation = #_sourceLocation) throws -> SparkConnectionString? {
    let environment = ProcessInfo.processInfo.environment
    if let remote = environment["SWIFTLAKE_SPARK_REMOTE"], !remote.isEmpty {
        return try SparkConnectionString(remote)
    }
    if environment["SWIFTLAKE_TEST_FULL"] == "1" {
        let message = "SWIFTLAKE_TEST_FULL=1 but SWIFTLAKE_SPARK_REMOTE is not set: start a server with "
            + "`export SWIFTLAKE_SPARK_REMOTE=$(scripts/spark-server.sh start)` (make test does)"
        Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
    } else {
        print("SKIPPED \(sourceLocation.fileID):\(sourceLocation.line): no Spark Connect server; "
            + "`export SWIFTLAKE_SPARK_REMOTE=$(scripts/spark-server.sh start)` runs these tests (make test does)")
    }
    return nil
}

/// A client on the tests' server with the session time zone UTC, closed after `body`.
func withSpark(sourceLocation: SourceLocation = #_sourceLocation,
               _ body: (SparkConnectClient) async throws -> Void) async throws {
    guard let connection = try sparkConnection(sourceLocation: sourceLocation) else { return }
    let spark = try SparkConnectClient(connection)
    do {
        try await spark.setConfig(["spark.sql.session.timeZone": "UTC"])
        try await body(spark)
    } catch {
        await spark.close()
        throw error
    }
    await spark.close()
}
