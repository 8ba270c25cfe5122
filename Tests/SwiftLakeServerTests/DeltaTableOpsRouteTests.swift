import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// `POST /api/delta/{optimize,convert,constraints,constraints/drop}` over the sample data.
@Suite struct DeltaTableOpsRouteTests {
    @Test("optimize compacts small appended files; a data-column 'where' is a 400")
    func optimize() async throws {
        try await withServer(testOptions()) { client, _ in
            for i in 0..<3 {
                let write = try await client.post("/api/delta/write", json: #"{"path": "small", "rows": [{"id": \#(i), "region": "north"}]}"#)
                #expect(write.status == .ok, "\(write.text)")
            }
            let response = try await client.post("/api/delta/optimize", json: #"{"path": "small"}"#)
            #expect(response.status == .ok, "\(response.text)")
            let body = try response.json()
            #expect(body["committed"] as? Bool == true && int(body["version"]) == 3)
            #expect(int(body["num_files_removed"]) == 3 && int(body["num_files_added"]) == 1)
            let count = try await client.post("/api/delta/read", json: #"{"path": "small", "sql": "SELECT count(*) AS n FROM t"}"#).json()
            #expect(int((count["rows"] as? [[Any]])?.first?.first) == 3)
            let bad = try await client.post("/api/delta/optimize", json: #"{"path": "orders_delta", "where": "amount > 1"}"#)
            #expect(bad.status == .badRequest && bad.errorCode == "predicate_on_data_column")
        }
    }

    @Test("convert makes events/ a Delta table; a second convert is a 409")
    func convert() async throws {
        try await withServer(testOptions()) { client, _ in
            let response = try await client.post("/api/delta/convert", json: #"{"path": "events", "partition_by": {"event_date": "date"}}"#)
            #expect(response.status == .ok, "\(response.text)")
            let body = try response.json()
            #expect(int(body["version"]) == 0 && int(body["num_rows"]) == 7000 && int(body["num_files"]) == 7)
            let count = try await client.post("/api/delta/read", json: #"{"path": "events", "sql": "SELECT count(*) AS n FROM t WHERE event_date = DATE '2024-03-01'"}"#).json()
            #expect(int((count["rows"] as? [[Any]])?.first?.first) == 1000)
            let again = try await client.post("/api/delta/convert", json: #"{"path": "events", "partition_by": {"event_date": "date"}}"#)
            #expect(again.status == .conflict && again.errorCode == "table_exists")
            let mixed = try await client.post("/api/delta/convert", json: #"{"path": "batches"}"#)
            #expect(mixed.status == .badRequest && mixed.errorCode == "schema_mismatch")
        }
    }

    @Test("add a constraint, writes that violate it are 422, drop it and they pass")
    func constraints() async throws {
        try await withServer(testOptions()) { client, _ in
            let violated = try await client.post("/api/delta/constraints", json: #"{"path": "orders_delta", "name": "small", "expression": "amount < 10"}"#)
            #expect(violated.status == .unprocessableContent && violated.errorCode == "check_constraint_violation")
            let added = try await client.post("/api/delta/constraints", json: #"{"path": "orders_delta", "name": "amount_positive", "expression": "amount > 0"}"#)
            #expect(added.status == .ok, "\(added.text)")
            #expect(int(try added.json()["min_writer_version"]) == 3)
            let write = try await client.post("/api/delta/write", json: #"{"path": "orders_delta", "rows": [{"id": 500, "amount": -1, "region": "north"}]}"#)
            #expect(write.status == .unprocessableContent && write.errorCode == "check_constraint_violation")
            #expect(write.errorMessage?.contains("amount_positive") == true)
            let dropped = try await client.post("/api/delta/constraints/drop", json: #"{"path": "orders_delta", "name": "amount_positive"}"#)
            #expect(dropped.status == .ok, "\(dropped.text)")
            let missing = try await client.post("/api/delta/constraints/drop", json: #"{"path": "orders_delta", "name": "amount_positive"}"#)
            #expect(missing.status == .notFound && missing.errorCode == "constraint_not_found")
            let written = try await client.post("/api/delta/write", json: #"{"path": "orders_delta", "rows": [{"id": 500, "amount": -1, "region": "north"}]}"#)
            #expect(written.status == .ok, "\(written.text)")
        }
    }

    @Test("/api/delta/constraint adds and drops by action, as the two older routes do")
    func constraintByAction() async throws {
        try await withServer(testOptions()) { client, _ in
            let added = try await client.post("/api/delta/constraint", json: #"{"path": "orders_delta", "name": "id_positive", "expression": "id > 0"}"#)
            #expect(added.status == .ok, "\(added.text)")
            let constraints = try added.json()["constraints"] as? [String: String]
            #expect(constraints == ["id_positive": "id > 0"], "\(added.text)")
            let refused = try await client.post("/api/delta/write", json: #"{"path": "orders_delta", "rows": [{"id": 0, "amount": 1, "region": "north"}]}"#)
            #expect(refused.status == .unprocessableContent && refused.errorCode == "check_constraint_violation")
            let noExpression = try await client.post("/api/delta/constraint", json: #"{"path": "orders_delta", "name": "other"}"#)
            #expect(noExpression.status == .badRequest && noExpression.errorCode == "missing_expression")
            let dropped = try await client.post("/api/delta/constraint", json: #"{"path": "orders_delta", "action": "drop", "name": "id_positive"}"#)
            #expect(dropped.status == .ok, "\(dropped.text)")
            let again = try await client.post("/api/delta/constraint", json: #"{"path": "orders_delta", "action": "drop", "name": "id_positive", "if_exists": true}"#)
            let committed = try again.json()["committed"] as? Bool
            #expect(again.status == .ok && committed == false, "\(again.text)")
            let written = try await client.post("/api/delta/write", json: #"{"path": "orders_delta", "rows": [{"id": 0, "amount": 1, "region": "north"}]}"#)
            #expect(written.status == .ok, "\(written.text)")
        }
    }
}
