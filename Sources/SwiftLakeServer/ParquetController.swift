import Hummingbird
import SwiftLake

/// The Parquet endpoints: `POST /api/parquet/{query,modify,merge,metadata,stats}`, and the
/// old Python service's `POST /api/spark/parquet/{query,modify,merge}` with the same
/// requests and answers.
struct ParquetController: Sendable {
    let lakehouse: Lakehouse
    let maxBodyBytes: Int
    let metrics: ServerMetrics

    var routes: [Route] {
        var routes: [Route] = []
        for prefix in ["/api/parquet", "/api/spark/parquet"] {
            routes.append(Route(.post, "\(prefix)/query") { try await query($0, context: $1) })
            routes.append(Route(.post, "\(prefix)/modify") { try await modify($0, context: $1) })
            routes.append(Route(.post, "\(prefix)/merge") { try await merge($0, context: $1) })
        }
        routes.append(Route(.post, "/api/parquet/metadata") { try await metadata($0, context: $1) })
        routes.append(Route(.post, "/api/parquet/stats") { try await stats($0, context: $1) })
        return routes
    }

    /// Runs a query and streams its rows in the format the body's `format` (or else the
    /// `Accept` header) asks for; JSON by default.
    func query(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(ParquetQueryRequest.self, maxBytes: maxBodyBytes)
        let accept = request.headers[values: .accept].joined(separator: ",")
        let format = body.format ?? OutputFormat(acceptHeader: accept) ?? .json
        let streamer = QueryStreamer(metrics: metrics, route: context.endpointPath ?? request.uri.path, logger: context.logger)
        if format == .parquet {
            return try await streamer.parquetResponse(lakehouse.exportParquet(body), context: context)
        }
        return streamer.response(for: try await lakehouse.query(body), format: format)
    }

    /// Deletes, updates and changes the schema of one file, writing a new file (or in place).
    func modify(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(ParquetModifyRequest.self, maxBytes: maxBodyBytes)
        return try Response.json(try await lakehouse.modify(body))
    }

    /// Combines files into one (optionally de-duplicated, sorted or partitioned).
    func merge(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(ParquetMergeRequest.self, maxBytes: maxBodyBytes)
        return try Response.json(try await lakehouse.merge(body))
    }

    /// A file's footer: schema, row groups, statistics.
    func metadata(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(ParquetMetadataRequest.self, maxBytes: maxBodyBytes)
        return try Response.json(try await lakehouse.metadata(body))
    }

    /// Per-column summary statistics of files or of a query over them.
    func stats(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(ParquetStatsRequest.self, maxBytes: maxBodyBytes)
        return try Response.json(try await lakehouse.stats(body))
    }
}
