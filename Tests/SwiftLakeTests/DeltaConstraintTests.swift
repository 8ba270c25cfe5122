import DeltaLake
import Foundation
import Testing
@testable import SwiftLake

/// CHECK constraints: added only when every row satisfies them, recorded as Delta records
/// them (property + protocol), enforced on every write, and understood by delta-rs both ways.
@Suite struct DeltaConstraintTests {
    /// A table of (id, amount, region) with three rows, all amounts positive.
    static func table() async throws -> (Lakehouse, String) {
        let (lake, table) = try maintenanceRoot()
        _ = try await lake.deltaWrite(DeltaWriteRequest(path: table, rows: [
            ["id": .int(1), "amount": .double(5), "region": .string("north")],
            ["id": .int(2), "amount": .double(7.5), "region": .string("south")],
            ["id": .int(3), "amount": .double(1), "region": .string("south")],
        ]))
        return (lake, table)
    }

    static func row(_ id: Int64, _ amount: DeltaRowValue, _ region: String = "north") -> [String: DeltaRowValue] {
        ["id": .int(id), "amount": amount, "region": .string(region)]
    }

    /// The table's files and log, to check that a refused write changed nothing.
    static func state(_ table: String) -> [String] { filesBelow(table) }

    @Test("add: recorded as delta.constraints.<name> with writer version 3; then every write path refuses violating rows (NULL too) and writes nothing")
    func addAndEnforce() async throws {
        let (lake, table) = try await Self.table()
        let added = try await lake.deltaAddConstraint(path: table, name: "Amount_Positive", expression: "amount > 0")
        #expect(added.committed && added.version == 1 && added.name == "amount_positive" && added.rowsChecked == 3)
        #expect(added.minWriterVersion == 3 && added.constraints == ["amount_positive": "amount > 0"])
        let detail = try await lake.deltaDetail(path: table)
        #expect(detail.configuration["delta.constraints.amount_positive"] == "amount > 0")
        #expect(detail.protocol.minWriterVersion == 3)
        let history = try await lake.deltaHistory(path: table, limit: 1)
        guard case .object(let commit)? = history.history.first else { Issue.record("no history"); return }
        #expect(commit["operation"] == .string("ADD CONSTRAINT"))
        #expect(commit["operationParameters"] == .object(["name": .string("amount_positive"), "expr": .string("amount > 0")]))

        let before = Self.state(table)
        let append = await expectError(.unprocessable) {
            _ = try await lake.deltaWrite(DeltaWriteRequest(path: table, rows: [Self.row(4, .double(2)), Self.row(5, .double(-1)), Self.row(6, .double(-2))]))
        }
        #expect(append?.code == "check_constraint_violation")
        #expect(append?.message.contains("amount_positive") == true && append?.message.contains("2 of the 3 rows") == true)
        #expect(append?.message.contains("id=5") == true)
        let nullAmount = await expectError(.unprocessable) {
            _ = try await lake.deltaWrite(DeltaWriteRequest(path: table, rows: [Self.row(7, .null)]))
        }
        #expect(nullAmount?.code == "check_constraint_violation")
        await expectError(.unprocessable) {
            _ = try await lake.deltaWrite(DeltaWriteRequest(path: table, mode: .overwrite, rows: [Self.row(8, .double(0))]))
        }
        let update = await expectError(.unprocessable) {
            _ = try await lake.deltaUpdate(DeltaUpdateRequest(path: table, predicate: "id = 2", updates: ["amount": "-amount"]))
        }
        // Only the updated rows are checked (the file's other rows are copied unchanged).
        #expect(update?.code == "check_constraint_violation" && update?.message.contains("1 of the 1 rows") == true, "\(update?.message ?? "")")
        #expect(Self.state(table) == before)

        // Rows that satisfy it are written; deletes need no check.
        #expect(try await lake.deltaWrite(DeltaWriteRequest(path: table, rows: [Self.row(9, .double(3))])).version == 2)
        #expect(try await lake.deltaUpdate(DeltaUpdateRequest(path: table, predicate: "id = 2", updates: ["amount": "amount * 2"])).version == 3)
        #expect(try await lake.deltaDelete(DeltaDeleteRequest(path: table, predicate: "id = 1")).version == 4)
        // OPTIMIZE rewrites existing rows, which satisfy it.
        #expect(try await lake.deltaOptimize(DeltaOptimizeRequest(path: table)).committed)
    }

    @Test("MERGE refuses updated or inserted rows that violate a constraint, and writes nothing")
    func mergeEnforces() async throws {
        let (lake, table) = try await Self.table()
        _ = try await lake.deltaAddConstraint(path: table, name: "pos", expression: "amount > 0")
        let before = Self.state(table)
        for rows in [[Self.row(1, .double(-5))], [Self.row(9, .double(-1))], [Self.row(9, .null)]] {
            let error = await expectError(.unprocessable) {
                _ = try await lake.deltaMerge(DeltaMergeRequest(
                    path: table, source: DeltaMergeSource(rows: rows), on: "t.id = s.id",
                    clauses: [DeltaMergeClause(when: .matched, action: .updateAll),
                              DeltaMergeClause(when: .notMatched, action: .insertAll)]))
            }
            #expect(error?.code == "check_constraint_violation")
            #expect(Self.state(table) == before)
        }
        let fine = try await lake.deltaMerge(DeltaMergeRequest(
            path: table, source: DeltaMergeSource(rows: [Self.row(1, .double(9)), Self.row(9, .double(2))]), on: "t.id = s.id",
            clauses: [DeltaMergeClause(when: .matched, action: .updateAll), DeltaMergeClause(when: .notMatched, action: .insertAll)]))
        #expect(fine.committed && fine.version == 2)
    }

    @Test("a constraint existing rows violate is a 422 counting them; nothing is committed")
    func addViolated() async throws {
        let (lake, table) = try await Self.table()
        let log = try logEntries(table)
        let error = await expectError(.unprocessable) {
            _ = try await lake.deltaAddConstraint(path: table, name: "big", expression: "amount > 2")
        }
        #expect(error?.code == "check_constraint_violation" && error?.message.hasPrefix("1 of the table's 3 rows") == true)
        #expect(try logEntries(table) == log)
        await expectError(.invalidRequest) { _ = try await lake.deltaAddConstraint(path: table, name: "bad", expression: "no_such_column > 1") }
        await expectError(.invalidRequest) { _ = try await lake.deltaAddConstraint(path: table, name: "bad name", expression: "id > 0") }
        await expectError(.invalidRequest) { _ = try await lake.deltaAddConstraint(path: table, name: "x", expression: "true); DROP TABLE t; (") }
        _ = try await lake.deltaAddConstraint(path: table, name: "pos", expression: "id > 0")
        await expectError(.conflict) { _ = try await lake.deltaAddConstraint(path: table, name: "POS", expression: "id > 1") }
        #expect(try logEntries(table).count == log.count + 1)
    }

    @Test("drop: the constraint goes and violating rows are written again; a missing one is a 404 unless if_exists")
    func drop() async throws {
        let (lake, table) = try await Self.table()
        _ = try await lake.deltaAddConstraint(path: table, name: "pos", expression: "amount > 0")
        let dropped = try await lake.deltaDropConstraint(path: table, name: "pos")
        #expect(dropped.committed && dropped.version == 2 && dropped.expression == "amount > 0" && dropped.constraints.isEmpty)
        #expect(try await lake.deltaDetail(path: table).configuration["delta.constraints.pos"] == nil)
        #expect(try await lake.deltaWrite(DeltaWriteRequest(path: table, rows: [Self.row(4, .double(-1))])).version == 3)
        let missing = await expectError(.notFound) { _ = try await lake.deltaDropConstraint(path: table, name: "pos") }
        #expect(missing?.code == "constraint_not_found")
        let ignored = try await lake.deltaDropConstraint(path: table, name: "pos", ifExists: true)
        #expect(!ignored.committed && ignored.version == 3)
    }

    @Test("on a table-features protocol (writer 7) the checkConstraints writer feature is added")
    func tableFeatures() async throws {
        let (lake, table) = try maintenanceRoot()
        _ = try await lake.deltaCreate(DeltaCreateRequest(path: table, schema: [
            DeltaColumnSpec(name: "id", type: .string("long")), DeltaColumnSpec(name: "at", type: .string("timestamp_ntz"))]))
        let added = try await lake.deltaAddConstraint(path: table, name: "pos", expression: "id > 0")
        #expect(added.minWriterVersion == 7)
        let detail = try await lake.deltaDetail(path: table)
        #expect(Set(detail.protocol.writerFeatures ?? []) == ["timestampNtz", "checkConstraints"])
        await expectError(.unprocessable) {
            _ = try await lake.deltaWrite(DeltaWriteRequest(path: table, rows: [["id": .int(0), "at": .string("2024-01-01 00:00:00")]]))
        }
        guard let views = try await deltaRsViews([(table, nil)]) else { return }
        #expect(views[0].version == 1)
    }

    @Test("delta-rs's constraints are enforced by us, and ours by delta-rs")
    func deltaRsBothWays() async throws {
        let (lake, table) = try maintenanceRoot()
        guard try await deltaRs(table, """
write([{"id": 1, "name": "a"}])
DeltaTable(path).alter.add_constraint({"id_positive": "id > 0"})
""") != nil else { return }
        let error = await expectError(.unprocessable) {
            _ = try await lake.deltaWrite(DeltaWriteRequest(path: table, rows: [["id": .int(-1), "name": .string("b")]]))
        }
        #expect(error?.code == "check_constraint_violation" && error?.message.contains("id_positive") == true)
        #expect(try await lake.deltaWrite(DeltaWriteRequest(path: table, rows: [["id": .int(2), "name": .string("c")]])).version == 2)

        _ = try await lake.deltaAddConstraint(path: table, name: "short_name", expression: "length(name) < 3")
        let answer = try await deltaRs(table, """
try:
    write([{"id": 3, "name": "toolong"}])
    print("written")
except Exception as e:
    print("refused:", type(e).__name__, e)
write([{"id": 4, "name": "ok"}])
print(DeltaTable(path).version(), sorted(DeltaTable(path).metadata().configuration.items()))
""")
        #expect(answer?.contains("refused:") == true && answer?.contains("short_name") == true)
        #expect(answer?.contains("4 [('delta.constraints.id_positive', 'id > 0'), ('delta.constraints.short_name', 'length(name) < 3')]") == true)
        #expect(try await deltaRows(lake, table, "SELECT id FROM t ORDER BY id") == [["1"], ["2"], ["4"]])
    }
}
