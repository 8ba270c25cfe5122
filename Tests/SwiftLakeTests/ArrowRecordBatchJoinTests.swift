import DuckDB
import Testing

@testable import SwiftLake

/// Record batches joined from several DuckDB chunks (``ArrowIPCEncoder/encodeMessages(_:)``,
/// as the REST server streams Arrow): one message whose arrays run across the chunks, with
/// the same bytes as the value path gives for the same rows joined, including chunks cut at
/// row counts that are not a multiple of 8 (validity and boolean bits then straddle bytes).
@Suite struct ArrowRecordBatchJoinTests {
    /// Direct layouts (booleans, integers, strings, a narrow decimal that widens, timestamps)
    /// and a fallback (a list), NULLs at different periods, one column without NULLs.
    private static let query = """
        SELECT i AS id,
          CASE WHEN i % 3 = 0 THEN NULL ELSE i % 2 = 0 END AS b,
          i % 5 = 1 AS b_no_nulls,
          CASE WHEN i % 11 = 0 THEN NULL ELSE (i * 7)::INTEGER END AS i32,
          CASE WHEN i % 16 = 0 THEN NULL ELSE (i % 999 / 10)::DECIMAL(4,1) END AS dec4,
          CASE WHEN i % 20 = 0 THEN NULL WHEN i % 3 = 0 THEN '' WHEN i % 2 = 0 THEN 'short ' || i
               ELSE 'a longer string, h\u{E9}llo ' || i END AS s,
          CASE WHEN i % 24 = 0 THEN NULL ELSE TIMESTAMP '1969-12-31 23:00:00' + to_microseconds(i * 1234567) END AS ts,
          CASE WHEN i % 30 = 0 THEN NULL ELSE [i, NULL, i + 1] END AS l
        FROM range(7000) r(i)
        """

    /// The query's chunks, each cut to the given row count (`nil`: whole).
    private static func batches(cuts: [Int?]) throws -> (columns: [ResultColumn], chunks: [RowBatch], values: [RowBatch]) {
        let database = try Database()
        let connection = try database.connect()
        let result = try connection.query(query)
        let columns = result.columns.map(ResultColumn.init)
        var chunks: [RowBatch] = [], values: [RowBatch] = []
        for cut in cuts {
            guard let chunk = try result.nextRawChunk() else { break }
            let rows = min(cut ?? chunk.count, chunk.count)
            chunks.append(RowBatch(chunk: chunk, count: rows))
            let decoded = try chunk.decoded(rows: rows)
            values.append(RowBatch(columns: decoded.columns, count: decoded.count))
        }
        return (columns, chunks, values)
    }

    @Test func joinedChunksGiveTheJoinedValuesBytes() throws {
        // 1001 + 2048 + 5 + the rest of a chunk: boundaries at bits 1001 and 3054 are unaligned.
        let (columns, chunks, values) = try Self.batches(cuts: [1001, nil, 5, nil])
        #expect(chunks.count == 4)
        var columnar = ArrowIPCEncoder(), decoded = ArrowIPCEncoder()
        #expect(columnar.begin(columns: columns) == decoded.begin(columns: columns))
        let joined = columnar.encodeMessages(chunks)
        let reference = decoded.encodeMessages(values)
        #expect(joined.count == 1 && reference.count == 1)
        let joinedBytes = joined.flatMap(\.bytes), referenceBytes = reference.flatMap(\.bytes)
        #expect(joinedBytes.count == referenceBytes.count)
        #expect(joinedBytes == referenceBytes, "the joined chunks differ from the joined values")
    }

    @Test func writeBodyFillsEveryByteOfUninitializedMemory() throws {
        let (columns, chunks, _) = try Self.batches(cuts: [7, nil, 3])
        var encoder = ArrowIPCEncoder()
        _ = encoder.begin(columns: columns)
        for message in encoder.encodeMessages(chunks) {
            // Memory full of junk, as a fresh network buffer may be: the body must overwrite all of it.
            var body = [UInt8](repeating: 0xA5, count: message.bodyLength)
            body.withUnsafeMutableBytes { message.writeBody(into: $0) }
            #expect(message.header + body == message.bytes)
        }
    }

    @Test func aValueBatchBeforeChunksStartsItsOwnRecordBatch() throws {
        // The cursor's first batch is decoded, the later ones columnar: two messages, in order.
        let (columns, chunks, values) = try Self.batches(cuts: [nil, nil, nil])
        var mixed = ArrowIPCEncoder(), decoded = ArrowIPCEncoder()
        _ = mixed.begin(columns: columns)
        _ = decoded.begin(columns: columns)
        let messages = mixed.encodeMessages([values[0]] + chunks[1...])
        #expect(messages.count == 2)
        let expected = decoded.encodeMessages([values[0]]) + decoded.encodeMessages(Array(values[1...]))
        #expect(messages.flatMap(\.bytes) == expected.flatMap(\.bytes))
    }
}
