import Hummingbird
import SwiftLake

/// The Delta write endpoints: `POST /api/delta/{create,write,delete,update,merge}`, and the old
/// Python service's `POST /api/spark/delta/{write,delete,update,merge}` with the same requests and
/// answers. Each answers with a ``DeltaWriteResult`` (version and metrics), merge with a
/// ``DeltaMergeResult`` (version and Spark's merge metrics).
struct DeltaWriteController: Sendable {
    let lakehouse: Lakehouse
    let maxBodyBytes: Int

    var routes: [Route] {
        var routes: [Route] = [Route(.post, "/api/delta/create") { try await create($0, context: $1) }]
        for prefix in ["/api/delta", "/api/spark/delta"] {
            routes.append(Route(.post, "\(prefix)/write") { try await write($0, context: $1) })
            routes.append(Route(.post, "\(prefix)/delete") { try await delete($0, context: $1) })
            routes.append(Route(.post, "\(prefix)/update") { try await update($0, context: $1) })
            routes.append(Route(.post, "\(prefix)/merge") { try await merge($0, context: $1) })
        }
        return routes
    }

    /// Creates an empty table.
    func create(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(DeltaCreateRequest.self, maxBytes: maxBodyBytes)
        return try Response.json(try await lakehouse.deltaCreate(body))
    }

    /// Appends or overwrites rows (creating the table when missing).
    func write(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(DeltaWriteRequest.self, maxBytes: maxBodyBytes)
        return try Response.json(try await lakehouse.deltaWrite(body))
    }

    /// Deletes the rows matching a predicate.
    func delete(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(DeltaDeleteRequest.self, maxBytes: maxBodyBytes)
        return try Response.json(try await lakehouse.deltaDelete(body))
    }

    /// Sets columns on the rows matching a predicate.
    func update(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(DeltaUpdateRequest.self, maxBytes: maxBodyBytes)
        return try Response.json(try await lakehouse.deltaUpdate(body))
    }

    /// Merges source rows into a table (Spark's MERGE INTO).
    func merge(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(DeltaMergeRequest.self, maxBytes: maxBodyBytes)
        return try Response.json(try await lakehouse.deltaMerge(body))
    }
}
