// The delta-rs rows oracle (`Tests/DeltaOracle`), shared with the server tests; re-exported so every
// test file here sees `digestSQL`, `digestColumns` and `OracleRows`.
@_exported import DeltaOracle
import Foundation
import Testing
@testable import SwiftLake

/// The shared corpus of Delta tables (`../shared/corpus/delta-rs-tables` next to the repository).
let deltaCorpus = corpusDeltaTables

/// The oracle, or nil after printing why it is skipped (failing instead when SWIFTLAKE_TEST_FULL=1).
func deltaOracleOrSkip() async -> [String: [Int64: OracleRows]]? {
    let oracle = await loadDeltaRowsOracle(corpus: deltaCorpus)
    if let json = oracle.json { return json }
    let reason = oracle.problem ?? "unknown"
    if ProcessInfo.processInfo.environment["SWIFTLAKE_TEST_FULL"] == "1" {
        Issue.record("delta-rs oracle unavailable: \(reason)")
    } else {
        print("SKIPPED: delta-rs oracle unavailable (set SWIFTLAKE_TEST_FULL=1 to fail instead): \(reason)")
    }
    return nil
}
