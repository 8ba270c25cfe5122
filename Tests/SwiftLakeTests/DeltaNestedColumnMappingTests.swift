import DuckDB
import Foundation
import Testing
@testable import SwiftLake

@Suite("Delta nested column mapping")
struct DeltaNestedColumnMappingTests {
    /// A column-mapped table written here the way Spark writes one: Parquet columns and struct
    /// fields under physical names (`col-…`), the schema's fields (nested ones too) carrying
    /// `delta.columnMapping.physicalName`/`id`. Logical schema:
    /// `id long, s struct<a long, inner struct<x string>, added int>, arr array<struct<b int>>,
    /// m map<string, struct<c int>>`; `s.added` was added after the file was written (absent).
    static func makeTable(in directory: TemporaryDirectory, mode: String) throws -> String {
        let table = directory.file("nested-\(mode)")
        try FileManager.default.createDirectory(atPath: table + "/_delta_log", withIntermediateDirectories: true)
        let database = try Database()
        let connection = try database.connect()
        try connection.execute(#"""
            COPY (
              SELECT 1::BIGINT AS "col-id", {'col-a': 1::BIGINT, 'col-inner': {'col-x': 'q'}} AS "col-s",
                     [{'col-b': 2}, NULL] AS "col-arr", MAP {'k': {'col-c': 3}} AS "col-m"
              UNION ALL SELECT 2, NULL, NULL, NULL
              UNION ALL SELECT 3, {'col-a': NULL, 'col-inner': NULL}, [], MAP {}
            ) TO '\#(table)/part-0.parquet' (FORMAT parquet)
            """#)
        func field(_ name: String, _ id: Int, _ type: String) -> String {
            #"{"name":"\#(name)","type":\#(type),"nullable":true,"metadata":{"delta.columnMapping.id":\#(id),"delta.columnMapping.physicalName":"col-\#(name)"}}"#
        }
        let inner = #"{"type":"struct","fields":[\#(field("x", 4, "\"string\""))]}"#
        let s = #"{"type":"struct","fields":[\#(field("a", 3, "\"long\"")),\#(field("inner", 5, inner)),\#(field("added", 10, "\"integer\""))]}"#
        let arr = #"{"type":"array","elementType":{"type":"struct","fields":[\#(field("b", 7, "\"integer\""))]},"containsNull":true}"#
        let m = #"{"type":"map","keyType":"string","valueType":{"type":"struct","fields":[\#(field("c", 9, "\"integer\""))]},"valueContainsNull":true}"#
        let schema = #"{"type":"struct","fields":[\#(field("id", 1, "\"long\"")),\#(field("s", 2, s)),\#(field("arr", 6, arr)),\#(field("m", 8, m))]}"#
        let size = (try FileManager.default.attributesOfItem(atPath: table + "/part-0.parquet")[.size] as! NSNumber).intValue
        let metadata: [String: Any] = ["metaData": [
            "id": "nested", "format": ["provider": "parquet", "options": [String: String]()], "schemaString": schema,
            "partitionColumns": [String](), "createdTime": 0,
            "configuration": ["delta.columnMapping.mode": mode, "delta.columnMapping.maxColumnId": "10"]]]
        let add: [String: Any] = ["add": ["path": "part-0.parquet", "partitionValues": [String: String](), "size": size,
                                          "modificationTime": 0, "dataChange": true]]
        let lines = [#"{"protocol":{"minReaderVersion":2,"minWriterVersion":5}}"#,
                     String(decoding: try JSONSerialization.data(withJSONObject: metadata), as: UTF8.self),
                     String(decoding: try JSONSerialization.data(withJSONObject: add), as: UTF8.self)]
        try (lines.joined(separator: "\n") + "\n").write(toFile: table + "/_delta_log/00000000000000000000.json", atomically: true, encoding: .utf8)
        return table
    }

    @Test("struct fields, array elements and map values read under their logical names", arguments: ["name", "id"])
    func logicalNamesAtEveryLevel(mode: String) async throws {
        let (lake, directory) = try makeDeltaLake()
        let table = try Self.makeTable(in: directory, mode: mode)
        let read = try await lake.deltaRead(DeltaReadRequest(path: table, sql: """
            SELECT id, CAST(to_json(s) AS VARCHAR), CAST(to_json(arr) AS VARCHAR), CAST(to_json(m) AS VARCHAR) FROM t ORDER BY id
            """))
        let rows = try await read.cursor.collect().rows
        // Hand-reasoned from the rows written above, with logical names; `added` is NULL.
        #expect(rows == [
            [.bigint(1), .varchar(#"{"a":1,"inner":{"x":"q"},"added":null}"#), .varchar(#"[{"b":2},null]"#), .varchar(#"{"k":{"c":3}}"#)],
            [.bigint(2), .null, .null, .null],
            [.bigint(3), .varchar(#"{"a":null,"inner":null,"added":null}"#), .varchar("[]"), .varchar("{}")],
        ])
        // Queries address nested fields by logical name.
        let fields = try await lake.deltaRead(DeltaReadRequest(path: table, sql: "SELECT s.inner.x, arr[1].b, m['k'].c FROM t WHERE id = 1"))
        #expect(try await fields.cursor.collect().rows == [[.varchar("q"), .integer(2), .integer(3)]])
    }

    @Test("DuckDB type names parse into struct members, lists and maps")
    func typeNames() {
        let type = DuckDBTypeName(#"STRUCT("col-a" BIGINT, "we""ird" DECIMAL(18,3), plain STRUCT(x VARCHAR)[])"#)
        #expect(type == .struct([("col-a", .other("BIGINT")), ("we\"ird", .other("DECIMAL(18,3)")),
                                 ("plain", .list(.struct([("x", .other("VARCHAR"))])))]))
        #expect(DuckDBTypeName("MAP(VARCHAR, STRUCT(\"c\" INTEGER))") == .map(key: .other("VARCHAR"), value: .struct([("c", .other("INTEGER"))])))
        #expect(DuckDBTypeName("STRUCT(a") == nil)
    }
}
