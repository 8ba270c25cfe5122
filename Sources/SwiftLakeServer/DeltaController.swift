import HTTPTypes
import Hummingbird
import SwiftLake

/// The Delta Lake endpoints: `POST /api/delta/{read,history,detail,files}`, and the old
/// Python service's `POST /api/spark/delta/{read,history}` with the same requests and answers.
struct DeltaController: Sendable {
    let lakehouse: Lakehouse
    let maxBodyBytes: Int
    let metrics: ServerMetrics

    /// The body of `history`, `detail` and `files`.
    struct TableRequest: Decodable, Sendable {
        var path: String
        var version: Int64?
        var timestamp: String?
        var limit: Int?

        enum CodingKeys: String, CodingKey { case path, version, timestamp, limit }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            path = try container.decode(String.self, forKey: .path)
            version = try container.decodeIfPresent(Int64.self, forKey: .version)
            if let millis = try? container.decodeIfPresent(Int64.self, forKey: .timestamp) {
                timestamp = String(millis)
            } else {
                timestamp = try container.decodeIfPresent(String.self, forKey: .timestamp)
            }
            limit = try container.decodeIfPresent(Int.self, forKey: .limit)
        }
    }

    /// Headers of a `format: parquet` read: the version read, files opened and skipped.
    static let versionHeader = HTTPField.Name("X-Delta-Version")!
    static let filesScannedHeader = HTTPField.Name("X-Delta-Files-Scanned")!
    static let filesSkippedHeader = HTTPField.Name("X-Delta-Files-Skipped")!

    var routes: [Route] {
        var routes: [Route] = []
        for prefix in ["/api/delta", "/api/spark/delta"] {
            routes.append(Route(.post, "\(prefix)/read") { try await read($0, context: $1) })
            routes.append(Route(.post, "\(prefix)/history") { try await history($0, context: $1) })
        }
        routes.append(Route(.post, "/api/delta/detail") { try await detail($0, context: $1) })
        routes.append(Route(.post, "/api/delta/files") { try await files($0, context: $1) })
        return routes
    }

    /// Reads a table (at a version or time) as table `t` and streams the query's rows; JSON
    /// adds `version`, `files_scanned` and `files_skipped`.
    func read(_ request: Request, context: BasicRequestContext) async throws -> Response {
        var body = try await request.decodeJSON(DeltaReadRequest.self, maxBytes: maxBodyBytes)
        let accept = request.headers[values: .accept].joined(separator: ",")
        let format = body.format ?? OutputFormat(acceptHeader: accept) ?? .json
        body.format = format
        let streamer = QueryStreamer(metrics: metrics, route: context.endpointPath ?? request.uri.path, logger: context.logger)
        if format == .parquet {
            // One Parquet file; what the read was travels in headers.
            let export = try await lakehouse.deltaExportParquet(body)
            let headers: HTTPFields = [
                Self.versionHeader: String(export.version),
                Self.filesScannedHeader: String(export.filesScanned),
                Self.filesSkippedHeader: String(export.filesSkipped),
            ]
            return try await streamer.parquetResponse(export.file, context: context, extraHeaders: headers)
        }
        let result = try await lakehouse.deltaRead(body)
        return streamer.response(for: result.cursor, format: format, extraFields: result.extraFields)
    }

    /// The table's commits, newest first.
    func history(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(TableRequest.self, maxBytes: maxBodyBytes)
        return try Response.json(try await lakehouse.deltaHistory(path: body.path, limit: body.limit))
    }

    /// Metadata, protocol and size at a version.
    func detail(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(TableRequest.self, maxBytes: maxBodyBytes)
        return try Response.json(try await lakehouse.deltaDetail(path: body.path, version: body.version, timestamp: body.timestamp))
    }

    /// The active files with partition values and statistics.
    func files(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(TableRequest.self, maxBytes: maxBodyBytes)
        return try Response.json(try await lakehouse.deltaFiles(path: body.path, version: body.version, timestamp: body.timestamp))
    }
}
