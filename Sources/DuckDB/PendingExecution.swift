import CDuckDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Drives a pending result's execution on the calling thread until its result is ready or the
/// query failed; `duckdb_execute_pending` then returns at once with the result or the error.
///
/// `duckdb_execute_pending` alone would run the query too, but DuckDB's own loop spins while
/// the calling thread has no task to run (every task is on one of DuckDB's worker threads;
/// duckdb/duckdb#22178): it takes the executor's locks over and over, against the workers
/// that hold the tasks. In a profile of a Delta MERGE that writes 500,000 rows that spin was a
/// fifth of the server's samples. Here the caller runs tasks while there are any, and
/// otherwise sleeps briefly (from 20 µs, doubling up to ``longestPause``) before it looks
/// again. An interrupt still ends the query within one pause.
enum PendingExecution {
    /// The longest sleep between two looks for a task, in microseconds.
    static let longestPause: UInt32 = 500

    /// Runs `pending` until `duckdb_pending_execute_task` reports it ready or failed.
    static func run(_ pending: duckdb_pending_result) {
        var pause: UInt32 = 0
        while true {
            switch duckdb_pending_execute_task(pending) {
            case DUCKDB_PENDING_RESULT_NOT_READY:
                pause = 0
            case DUCKDB_PENDING_NO_TASKS_AVAILABLE:
                pause = pause == 0 ? 20 : min(pause * 2, longestPause)
                usleep(pause)
            default:
                return   // ready, or an error that duckdb_execute_pending reports with its type
            }
        }
    }
}
