import Hummingbird
import SwiftLake

/// The Delta maintenance endpoints: `POST /api/delta/checkpoint`, `/api/delta/vacuum` and
/// `/api/delta/restore`.
struct DeltaMaintenanceController: Sendable {
    let lakehouse: Lakehouse
    let maxBodyBytes: Int

    /// The body of `checkpoint`.
    struct CheckpointRequest: Decodable, Sendable {
        var path: String
        var version: Int64?
        var cleanupLogs: Bool?

        enum CodingKeys: String, CodingKey { case path, version, cleanupLogs = "cleanup_logs" }
    }

    /// The body of `restore`: `timestamp` is ISO 8601 text or epoch milliseconds.
    struct RestoreRequest: Decodable, Sendable {
        var path: String
        var version: Int64?
        var timestamp: String?

        enum CodingKeys: String, CodingKey { case path, version, timestamp }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            path = try container.decode(String.self, forKey: .path)
            version = try container.decodeIfPresent(Int64.self, forKey: .version)
            if let millis = try? container.decodeIfPresent(Int64.self, forKey: .timestamp) {
                timestamp = String(millis)
            } else {
                timestamp = try container.decodeIfPresent(String.self, forKey: .timestamp)
            }
        }
    }

    var routes: [Route] {
        [
            Route(.post, "/api/delta/checkpoint") { try await checkpoint($0, context: $1) },
            Route(.post, "/api/delta/vacuum") { try await vacuum($0, context: $1) },
            Route(.post, "/api/delta/restore") { try await restore($0, context: $1) },
        ]
    }

    /// Writes a checkpoint of a version (the latest by default), then cleans up expired log entries.
    func checkpoint(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(CheckpointRequest.self, maxBytes: maxBodyBytes)
        return try Response.json(try await lakehouse.deltaCheckpoint(path: body.path, version: body.version,
                                                                     cleanUpLogs: body.cleanupLogs))
    }

    /// Deletes (or, with `dry_run`, lists) files no version inside the retention needs.
    func vacuum(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(DeltaVacuumRequest.self, maxBytes: maxBodyBytes)
        return try Response.json(try await lakehouse.deltaVacuum(body))
    }

    /// Restores the table to a version or timestamp with a new commit.
    func restore(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(RestoreRequest.self, maxBytes: maxBodyBytes)
        return try Response.json(try await lakehouse.deltaRestore(path: body.path, version: body.version, timestamp: body.timestamp))
    }
}
