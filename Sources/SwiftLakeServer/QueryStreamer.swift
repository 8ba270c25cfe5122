import HTTPTypes
import Hummingbird
import Logging
import SwiftLake

/// Writes a query result as an HTTP response body while the rows arrive, never holding the
/// whole result in memory.
///
/// The cursor has already fetched its first batch, so query errors surfaced before the
/// status line was sent. An error after that (or the client going away) closes the cursor,
/// which interrupts the query, and aborts the response.
struct QueryStreamer: Sendable {
    let metrics: ServerMetrics
    let route: String
    let logger: Logger

    /// Bytes gathered before a write, so small batches do not each cost a syscall.
    static let flushThreshold = 64 * 1024
    /// Rows fetched from the engine per trip to its thread (see ``QueryCursor/nextBatches(rows:)``).
    static let rowsPerFetch = 32 * 1024
    /// Rows per Arrow record batch (and per trip to the engine thread for Arrow): DuckDB's
    /// 2,048-row chunks are joined into record batches this big, which cost less to write and
    /// to read than one per chunk.
    static let arrowRowsPerBatch = 128 * 1024
    /// Chunk size for streaming a staged file.
    static let fileChunkSize = 1024 * 1024

    /// A streamed JSON, NDJSON, CSV or Arrow IPC response. `extraFields` (raw JSON by name)
    /// follow the standard summary fields of a JSON result.
    func response(for cursor: QueryCursor, format: OutputFormat, extraFields: [(String, String)] = []) -> Response {
        if format == .arrow { return arrowResponse(for: cursor) }
        let body = ResponseBody { [metrics, route, logger] writer in
            guard var encoder = makeResultEncoder(for: format) else {
                cursor.close()
                throw APIError(.internalServerError, code: "internal", "No streaming encoder for format \(format.rawValue).")
            }
            do {
                var pending = encoder.begin(columns: cursor.columns)
                while case let batches = try await cursor.nextBatches(rows: Self.rowsPerFetch), !batches.isEmpty {
                    for batch in batches {
                        pending += encoder.encode(batch)
                        if pending.count >= Self.flushThreshold {
                            try await writer.write(ByteBuffer(bytes: pending))
                            pending.removeAll(keepingCapacity: true)
                        }
                    }
                }
                pending += encoder.end(summary: ResultSummary(
                    rowCount: cursor.rowCount, truncated: cursor.truncated, engine: cursor.engine,
                    elapsedMilliseconds: cursor.elapsedMilliseconds, extraFields: extraFields))
                if !pending.isEmpty { try await writer.write(ByteBuffer(bytes: pending)) }
                try await writer.finish(nil)
                metrics.rowsReturned(cursor.rowCount, route: route)
            } catch {
                Self.aborted(cursor, by: error, metrics: metrics, logger: logger)
                throw error
            }
        }
        return Response(status: .ok, headers: [.contentType: format.contentType, Self.engineHeader: cursor.engine], body: body)
    }

    /// A streamed Arrow IPC response. Each record batch joins the DuckDB chunks of one trip to
    /// the engine (``arrowRowsPerBatch`` rows) and is written once, straight from DuckDB's
    /// vectors into the buffer sent to the client; the next rows are fetched while it is sent.
    /// A query response that stopped part way: the cursor is closed, the error counted and logged.
    static func aborted(_ cursor: QueryCursor, by error: any Error, metrics: ServerMetrics, logger: Logger) {
        cursor.close()
        metrics.recordError(code: (error as? SwiftLakeError)?.code ?? "stream_aborted")
        logger.warning("query response aborted after \(cursor.rowCount) rows: \(error)")
    }

    func arrowResponse(for cursor: QueryCursor) -> Response {
        let body = ResponseBody { [metrics, route, logger] writer in
            var encoder = ArrowIPCEncoder()
            // Arrow copies DuckDB's vectors column by column.
            cursor.columnar = true
            do {
                let begin = encoder.begin(columns: cursor.columns)
                if !begin.isEmpty { try await writer.write(ByteBuffer(bytes: begin)) }
                var batches = try await cursor.nextBatches(rows: Self.arrowRowsPerBatch)
                while !batches.isEmpty {
                    let messages = encoder.encodeMessages(batches)
                    async let following = cursor.nextBatches(rows: Self.arrowRowsPerBatch)
                    for message in messages {
                        var buffer = ByteBufferAllocator().buffer(capacity: message.byteCount)
                        buffer.writeBytes(message.header)
                        let length = message.bodyLength
                        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { out in
                            message.writeBody(into: UnsafeMutableRawBufferPointer(rebasing: out[..<length]))
                            return length
                        }
                        try await writer.write(buffer)
                    }
                    batches = try await following
                }
                let end = encoder.end(summary: ResultSummary(
                    rowCount: cursor.rowCount, truncated: cursor.truncated, engine: cursor.engine,
                    elapsedMilliseconds: cursor.elapsedMilliseconds))
                try await writer.write(ByteBuffer(bytes: end))
                try await writer.finish(nil)
                metrics.rowsReturned(cursor.rowCount, route: route)
            } catch {
                Self.aborted(cursor, by: error, metrics: metrics, logger: logger)
                throw error
            }
        }
        return Response(status: .ok, headers: [.contentType: OutputFormat.arrow.contentType, Self.engineHeader: cursor.engine], body: body)
    }

    /// The engine that computed a query's rows (also in the JSON, NDJSON and CSV summaries),
    /// so Arrow and Parquet answers say it too.
    static let engineHeader = HTTPField.Name("X-SwiftLake-Engine")!

    /// A staged Parquet file streamed in 1 MiB chunks with its length, then deleted.
    func parquetResponse(_ file: StagedFile, context: BasicRequestContext,
                         extraHeaders: HTTPFields = [:]) async throws -> Response {
        let size = file.size
        let content: ResponseBody
        do {
            content = try await FileIO().loadFile(path: file.path, context: context, chunkLength: Self.fileChunkSize)
        } catch {
            file.remove()
            throw APIError(.internalServerError, code: "internal", "The exported Parquet file could not be read back: \(error).")
        }
        let body = ResponseBody(contentLength: size) { [metrics, logger] writer in
            do {
                try await content.write(writer)
                file.remove()
            } catch {
                file.remove()
                metrics.recordError(code: "stream_aborted")
                logger.warning("parquet response aborted: \(error)")
                throw error
            }
        }
        var headers: HTTPFields = [.contentType: OutputFormat.parquet.contentType,
                                   .contentDisposition: "attachment; filename=\"result.parquet\"", Self.engineHeader: file.engine]
        headers.append(contentsOf: extraHeaders)
        return Response(status: .ok, headers: headers, body: body)
    }
}
