import Foundation
import HummingbirdTesting
import SwiftLake
import SwiftLakeServer
import Testing

/// DELETE, UPDATE and MERGE through REST on a table created with deletion vectors enabled:
/// rows are marked in deletion vectors (no file rewritten, no row copied), and reads agree
/// with the hand-reasoned rows after each.
@Suite struct DeltaDeletionVectorRouteTests {
    private func rows(_ client: any TestClientProtocol) async throws -> [[String]] {
        let read = try await client.post("/api/delta/read", json: #"{"path": "dv", "sql": "SELECT id, name FROM t ORDER BY id"}"#).json()
        return try #require(read["rows"] as? [[Any]]).map { $0.map { "\($0)" } }
    }

    private func metrics(_ body: [String: Any]) throws -> [String: Int] {
        try #require(body["metrics"] as? [String: Any], "no metrics in \(body)").compactMapValues { int($0) }
    }

    /// The `add` actions of the last commit that carry a deletion vector.
    private func addsWithVectors(_ lake: SampleLake) throws -> [[String: Any]] {
        let log = lake.path("dv") + "/_delta_log"
        let last = try #require(try FileManager.default.contentsOfDirectory(atPath: log).filter { $0.hasSuffix(".json") }.sorted().last)
        return try String(contentsOfFile: log + "/" + last, encoding: .utf8).split(separator: "\n").compactMap { line in
            let action = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            guard let add = action?["add"] as? [String: Any], add["deletionVector"] != nil else { return nil }
            return add
        }
    }

    @Test func deleteUpdateAndMergeWriteDeletionVectors() async throws {
        try await withServer(testOptions()) { client, lake in
            let created = try await client.post("/api/delta/create", json: """
                {"path": "dv", "schema": [{"name": "id", "type": "long"}, {"name": "name", "type": "string"}],
                 "properties": {"delta.enableDeletionVectors": "true"}}
                """)
            #expect(created.status == .ok, "\(created.text)")
            let detail = try await client.post("/api/delta/detail", json: #"{"path": "dv"}"#).json()
            let proto = try #require(detail["protocol"] as? [String: Any])
            #expect(int(proto["min_reader_version"]) == 3)
            let values = (1...6).map { #"{"id": \#($0), "name": "n\#($0)"}"# }.joined(separator: ", ")
            #expect(try await client.post("/api/delta/write", json: #"{"path": "dv", "rows": [\#(values)]}"#).status == .ok)

            let deleted = try await client.post("/api/delta/delete", json: #"{"path": "dv", "predicate": "id = 2"}"#)
            #expect(deleted.status == .ok, "\(deleted.text)")
            let deleteBody = try deleted.json()
            #expect(int(deleteBody["rows_deleted"]) == 1 && int(deleteBody["files_removed"]) == 0 && int(deleteBody["rows_copied"]) == 0)
            #expect(try metrics(deleteBody)["numDeletionVectorsAdded"] == 1)
            #expect(try addsWithVectors(lake).first?["dataChange"] as? Bool == true)

            let updated = try await client.post("/api/delta/update", json: #"{"path": "dv", "predicate": "id = 3", "updates": {"name": "'u3'"}}"#)
            #expect(updated.status == .ok, "\(updated.text)")
            let updateBody = try updated.json()
            #expect(int(updateBody["rows_updated"]) == 1 && int(updateBody["rows_copied"]) == 0 && int(updateBody["files_added"]) == 1)
            #expect(try metrics(updateBody)["numDeletionVectorsUpdated"] == 1)

            let merged = try await client.post("/api/delta/merge", json: """
                {"path": "dv", "source": {"rows": [{"id": 4, "name": "m4"}, {"id": 5, "name": "gone"}, {"id": 9, "name": "n9"}]},
                 "source_alias": "s", "target_alias": "t", "on": "t.id = s.id",
                 "when_matched": [{"action": "delete", "predicate": "s.name = 'gone'"}, {"action": "update", "set": {"name": "s.name"}}],
                 "when_not_matched": [{"action": "insert", "values": "all"}]}
                """)
            #expect(merged.status == .ok, "\(merged.text)")
            let mergeMetrics = try metrics(merged.json())
            #expect(mergeMetrics["numTargetRowsUpdated"] == 1 && mergeMetrics["numTargetRowsDeleted"] == 1
                    && mergeMetrics["numTargetRowsInserted"] == 1 && mergeMetrics["numTargetRowsCopied"] == 0
                    && mergeMetrics["numTargetDeletionVectorsUpdated"] == 1, "\(mergeMetrics)")
            let stats = try #require(try addsWithVectors(lake).first?["stats"] as? String)
            #expect(stats.contains("\"numRecords\":6") && stats.contains("\"tightBounds\":false"))

            #expect(try await rows(client) == [["1", "n1"], ["3", "u3"], ["4", "m4"], ["6", "n6"], ["9", "n9"]])
        }
    }
}
