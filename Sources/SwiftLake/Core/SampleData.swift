import Foundation

/// A small, deterministic sample dataset, so every README example works on a new machine:
///
/// - `sales.parquet`: 10,000 orders in 5 row groups (id, ts, region, product, quantity,
///   price DECIMAL(10,2), discount with NULLs);
/// - `customers.parquet`: 500 customers with dates, booleans, a list and a struct column;
/// - `events/`: 7,000 events, Hive-partitioned by `event_date=YYYY-MM-DD/`;
/// - `batches/batch_{1,2,3}.parquet`: overlapping order batches whose schemas differ (an
///   INTEGER vs BIGINT column, a column only some files have), for merge and de-duplication;
/// - `orders_delta/`: a Delta table with two versions (see ``writeDeltaTable(lake:root:)``).
public enum SampleData {
    /// The datasets, by file or directory name, and the query writing each.
    static let datasets: [(name: String, sql: String, options: String)] = [
        ("sales.parquet", """
            SELECT i::BIGINT AS id,
                   TIMESTAMP '2024-01-01 00:00:00' + to_minutes((i * 53) % 525600) AS ts,
                   ['north', 'south', 'east', 'west'][1 + i % 4] AS region,
                   ['widget', 'gadget', 'gizmo', 'sprocket', 'doohickey'][1 + (i * 7) % 5] AS product,
                   (1 + (i * 13) % 20)::INTEGER AS quantity,
                   CAST(5 + ((i * 7919) % 10000) / 100 AS DECIMAL(10,2)) AS price,
                   CASE WHEN i % 10 = 0 THEN NULL ELSE ((i * 31) % 30) / 100.0 END::DOUBLE AS discount
            FROM range(1, 10001) AS r(i)
            """, "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 2048)"),
        ("customers.parquet", """
            SELECT i::INTEGER AS id,
                   'customer_' || i AS name,
                   'user' || i || '@example.com' AS email,
                   ['DE', 'FR', 'US', 'JP', 'BR', 'IN'][1 + i % 6] AS country,
                   DATE '2020-01-01' + (i * 3)::INTEGER AS signup_date,
                   i % 3 = 0 AS is_premium,
                   [['new', 'returning', 'vip'][1 + i % 3], ['web', 'mobile'][1 + i % 2]] AS tags,
                   {'city': ['Berlin', 'Paris', 'Austin', 'Osaka', 'Recife', 'Pune'][1 + i % 6], 'zip': lpad((i * 97 % 100000)::VARCHAR, 5, '0')} AS address
            FROM range(1, 501) AS r(i)
            """, "(FORMAT parquet, COMPRESSION snappy)"),
        ("events", """
            SELECT i::BIGINT AS event_id,
                   (1 + i % 500)::INTEGER AS user_id,
                   ['view', 'click', 'purchase'][1 + (i * 11) % 3] AS kind,
                   round(((i * 37) % 1000) / 10.0, 1)::DOUBLE AS value,
                   (DATE '2024-03-01' + (i % 7)::INTEGER)::VARCHAR AS event_date
            FROM range(0, 7000) AS r(i)
            """, "(FORMAT parquet, PARTITION_BY (event_date))"),
        ("batches/batch_1.parquet", """
            SELECT i::INTEGER AS id, (i * 10)::INTEGER AS amount, 'batch_1' AS source FROM range(1, 101) AS r(i)
            """, "(FORMAT parquet)"),
        ("batches/batch_2.parquet", """
            SELECT i::INTEGER AS id, (i * 100)::BIGINT AS amount, 'batch_2' AS source FROM range(51, 151) AS r(i)
            """, "(FORMAT parquet)"),
        ("batches/batch_3.parquet", """
            SELECT i::INTEGER AS id, 'batch_3' AS source, (i * 1000)::BIGINT AS amount, 'late arrival' AS note FROM range(141, 201) AS r(i)
            """, "(FORMAT parquet)"),
    ]

    /// Writes every dataset missing from `directory` (creating it), and returns the paths written.
    @discardableResult
    public static func write(into directory: String) async throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: directory + "/batches", withIntermediateDirectories: true)
        let lake = try Lakehouse(configuration: LakehouseConfiguration(roots: [directory], queryTimeout: nil))
        let root = lake.roots.directories[0]
        var written: [String] = []
        for dataset in datasets {
            let target = root + "/" + dataset.name
            if FileManager.default.fileExists(atPath: target) { continue }
            let output = try AtomicOutput(finalPath: target, overwrite: false)
            let sql = "COPY (\(dataset.sql)) TO \(SQL.literal(output.stagingPath)) \(dataset.options)"
            do {
                try await lake.duckdb.withConnection { connection in try connection.execute(sql) }
                try output.commit()
            } catch {
                output.discard()
                throw error
            }
            written.append(target)
        }
        if let delta = try await writeDeltaTable(lake: lake, root: root) { written.append(delta) }
        return written
    }
}
