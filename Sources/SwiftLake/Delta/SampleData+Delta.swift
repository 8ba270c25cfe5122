import Foundation

extension SampleData {
    /// The sample Delta table's directory name.
    static let deltaTableName = "orders_delta"

    /// Writes `orders_delta/`, a small Delta table with two versions (unless it exists):
    /// version 0 adds orders 1–50 of region `north`, version 1 orders 51–100 of region
    /// `south`. `region` is a partition column recorded only in the log (the file paths hold
    /// no `region=…` directory); every file has min/max/null-count statistics.
    static func writeDeltaTable(lake: Lakehouse, root: String) async throws -> String? {
        let target = root + "/" + deltaTableName
        if FileManager.default.fileExists(atPath: target) { return nil }
        let staging = root + "/.\(deltaTableName).tmp-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: staging + "/_delta_log", withIntermediateDirectories: true)
        do {
            let schema = #"{"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}},{"name":"amount","type":"double","nullable":true,"metadata":{}},{"name":"region","type":"string","nullable":true,"metadata":{}}]}"#
            let versions: [(region: String, first: Int, last: Int)] = [("north", 1, 50), ("south", 51, 100)]
            for (version, batch) in versions.enumerated() {
                let file = String(format: "part-%05d.parquet", version)
                let sql = "COPY (SELECT i::BIGINT AS id, (i * 2.5)::DOUBLE AS amount FROM range(\(batch.first), \(batch.last + 1)) r(i)) TO \(SQL.literal(staging + "/" + file)) (FORMAT parquet)"
                try await lake.duckdb.withConnection { connection in try connection.execute(sql) }
                let size = ((try FileManager.default.attributesOfItem(atPath: staging + "/" + file))[.size] as? NSNumber)?.intValue ?? 0
                let time = 1_717_200_000_000 + version * 60_000
                var lines: [String] = [
                    #"{"commitInfo":{"timestamp":\#(time),"operation":"WRITE","operationParameters":{"mode":"\#(version == 0 ? "ErrorIfExists" : "Append")"},"engineInfo":"SwiftLake sample-data"}}"#,
                ]
                if version == 0 {
                    lines.append(#"{"protocol":{"minReaderVersion":1,"minWriterVersion":2}}"#)
                    let schemaString = String(decoding: try JSONEncoder().encode(schema), as: UTF8.self)
                    lines.append(#"{"metaData":{"id":"9b1e1a52-4f0e-4d59-a3a5-5a3c8d2f0001","name":"orders","format":{"provider":"parquet","options":{}},"schemaString":\#(schemaString),"partitionColumns":["region"],"configuration":{},"createdTime":\#(time)}}"#)
                }
                let stats = #"{\"numRecords\":\#(batch.last - batch.first + 1),\"minValues\":{\"id\":\#(batch.first),\"amount\":\#(Double(batch.first) * 2.5)},\"maxValues\":{\"id\":\#(batch.last),\"amount\":\#(Double(batch.last) * 2.5)},\"nullCount\":{\"id\":0,\"amount\":0}}"#
                lines.append(#"{"add":{"path":"\#(file)","partitionValues":{"region":"\#(batch.region)"},"size":\#(size),"modificationTime":\#(time),"dataChange":true,"stats":"\#(stats)"}}"#)
                let commit = staging + String(format: "/_delta_log/%020d.json", version)
                try (lines.joined(separator: "\n") + "\n").write(toFile: commit, atomically: true, encoding: .utf8)
            }
            try FileManager.default.moveItem(atPath: staging, toPath: target)
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            throw error
        }
        return target
    }
}
