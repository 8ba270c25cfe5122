import Foundation
import Testing

@testable import DuckDB

/// `Value.description` and `LogicalType.description` against DuckDB itself: for each expression,
/// DuckDB's `CAST(x AS VARCHAR)` and `typeof(x)` are the expected text.
@Suite("Text forms match DuckDB")
struct DescriptionTests {
    static let expressions: [String] = [
        "true", "false", "(-128)::TINYINT", "12345::SMALLINT", "(-2147483648)::INTEGER", "9223372036854775807::BIGINT",
        "'-170141183460469231731687303715884105727'::HUGEINT", "'340282366920938463463374607431768211455'::UHUGEINT",
        "255::UTINYINT", "18446744073709551615::UBIGINT",
        // Floating point: DuckDB switches to scientific notation outside 1e-5 < |x| < 1e16.
        "1.0::DOUBLE", "0.1::DOUBLE", "-2.5::DOUBLE", "100.0::DOUBLE", "123456789.125::DOUBLE", "1e15::DOUBLE",
        "1e16::DOUBLE", "1.5e300::DOUBLE", "0.0001::DOUBLE", "0.00001::DOUBLE", "1.2345e-7::DOUBLE", "-0.0::DOUBLE",
        "5e-324::DOUBLE", "'inf'::DOUBLE", "'-inf'::DOUBLE", "'nan'::DOUBLE", "1.7976931348623157e308::DOUBLE",
        "0.1::FLOAT", "3.4028235e38::FLOAT", "16777216::FLOAT", "1e-10::FLOAT", "123.456::FLOAT",
        "12.34::DECIMAL(4,2)", "-0.5::DECIMAL(3,2)", "0.001::DECIMAL(3,3)", "-7::DECIMAL(5,0)",
        "'1234567890123.456'::DECIMAL(18,3)", "'-12345678901234567890123456789.123456789'::DECIMAL(38,9)",
        "'plain text'", "'it''s \"quoted\"'", "''",
        "'\\xAA\\x00abc''\"\\x5C ~'::BLOB", "''::BLOB",
        "DATE '2024-02-29'", "DATE '1970-01-01'", "DATE '0001-01-01'", "DATE '0044-03-15 (BC)'", "DATE '12345-06-07'",
        "'infinity'::DATE", "'-infinity'::DATE", "DATE '1900-03-01'", "DATE '1600-02-29'",
        "TIME '00:00:00'", "TIME '12:34:56.789'", "TIME '23:59:59.999999'", "TIME '24:00:00'", "TIME '01:02:03.000010'",
        "TIMETZ '12:34:56+05:30'", "TIMETZ '12:34:56.5-08'", "TIMETZ '00:00:00+00'", "TIMETZ '10:00:00+05:30:15'",
        "TIMESTAMP '2024-01-31 12:00:00.5'", "TIMESTAMP '1969-12-31 23:59:59.999999'", "DATE '0010-05-06 (BC)' + TIME '07:08:09'",
        "'infinity'::TIMESTAMP", "'-infinity'::TIMESTAMP", "TIMESTAMP '2024-01-31 00:00:00'",
        "TIMESTAMPTZ '2024-01-31 12:00:00.25+01'", "TIMESTAMPTZ '1960-06-01 00:00:00+00'",
        "'2024-01-31 12:00:00'::TIMESTAMP_S", "'1950-01-31 12:00:01'::TIMESTAMP_S", "'2024-01-31 12:00:00.123'::TIMESTAMP_MS",
        "'2024-01-31 12:00:00.123456789'::TIMESTAMP_NS", "'2024-01-31 12:00:00.5'::TIMESTAMP_NS",
        "'1969-12-31 23:59:59.000000001'::TIMESTAMP_NS", "'2024-01-31 12:00:00.000001'::TIMESTAMP_NS",
        "INTERVAL '1 year 2 months 3 days 04:05:06'", "INTERVAL '1 year 2 days'", "INTERVAL '0 seconds'",
        "INTERVAL '-1 month'", "INTERVAL '-25 hours'", "INTERVAL '1 day -1 second'", "INTERVAL '13 months'",
        "INTERVAL '1.5 seconds'", "INTERVAL '-0.000001 seconds'", "INTERVAL '100 hours'",
        "'6ba7b810-9dad-11d1-80b4-00c04fd430c8'::UUID", "'ffffffff-0000-ffff-0000-ffffffffffff'::UUID",
        "[1, NULL, 3]", "[]::INTEGER[]", "['a', 'b c', '', ' lead', 'trail ', 'null', 'NULL', NULL, 'x,y', 'it''s', 'back\\slash']",
        "[[1, 2], NULL, []]", "[DATE '2024-01-01']", "[TIMESTAMP '2024-01-01 10:00:00']", "['\\x01'::BLOB]",
        "[1.5, 2.25]", "[INTERVAL '1 day']", "[{'a': 'x y'}]",
        "[1, 2, 3]::INTEGER[3]", "['a', NULL]::VARCHAR[2]",
        "{'a': 1, 'b': 'hello'}", "{'a': NULL, 'b': [1, 2], 'c': {'d': 'e:f'}}", "{'key with space': 1, 'it''s': 2}",
        "{'x': ''}", "{'x': TIME '10:00:00'}",
        "MAP {'k': 1}", "MAP {'a': [1, 2], 'b': NULL}", "MAP {1: 'one two', 2: ''}", "MAP {}::MAP(VARCHAR, INTEGER)",
        "MAP {'x=y': {'a': 1}}",
        "'b'::ENUM('a', 'b', 'c')", "['b'::ENUM('a', 'b', 'c')]",
        "union_value(num := 2)::UNION(num INTEGER, str VARCHAR)", "union_value(str := 'a b')::UNION(num INTEGER, str VARCHAR)",
        "[union_value(str := 'a, b')::UNION(num INTEGER, str VARCHAR)]",
        "'0101'::BIT", "'101010101'::BIT", "'1'::BIT", "'11111111'::BIT",
        "'123456789012345678901234567890'::BIGNUM", "'-98765432109876543210'::BIGNUM", "'0'::BIGNUM", "'-1'::BIGNUM",
        "'4294967296'::BIGNUM", "'18446744073709551616'::BIGNUM",
        "row(1, 'a')", "row(1)",
        "NULL", "NULL::INTEGER", "[NULL]",
    ]

    @Test func valueDescriptionIsDuckDBsCastToVarchar() throws {
        let connection = try memoryConnection()
        for expression in Self.expressions {
            do {
                let row = try connection.query("SELECT \(expression), CAST(\(expression) AS VARCHAR)").rows()[0]
                let expected: String = if case let .varchar(text) = row[1] { text } else { "NULL" }
                #expect(row[0].description == expected, "\(expression)")
            } catch {
                Issue.record("\(expression): \(error)")
            }
        }
    }

    @Test func generatedValuesRenderLikeDuckDB() throws {
        let connection = try memoryConnection()
        let columns = [
            "range::DOUBLE / 7", "range::DOUBLE * 123456789.123", "1.0 / (range::DOUBLE * range + 1)", "(range / 3)::FLOAT",
            "pow(10.0, range % 40 - 20) * range", "(range * 12.345)::DECIMAL(12,3)", "(range * 0.01)::DECIMAL(4,2)",
            "DATE '1970-01-01' + (range * 997)::INTEGER", "TIMESTAMP '1970-01-01' + INTERVAL (range * 7777777777) MICROSECOND",
            "TIMESTAMPTZ '1970-01-01 00:00:00+00' - INTERVAL (range * 123456789) MILLISECOND",
            "('1970-01-01'::TIMESTAMP_NS + INTERVAL (range * 987654321) MICROSECOND)::TIMESTAMP_NS",
            "TIME '00:00:00' + INTERVAL (abs(range) * 21600001) MICROSECOND",
            "INTERVAL (range) MONTH + INTERVAL (range * 3) DAY + INTERVAL (range * 3600000017) MICROSECOND",
            "[range, NULL, -range]", "{'n': range, 's': 'v ' || range::VARCHAR}", "MAP {range::VARCHAR: range % 3 = 0}",
            "(range * 123456789)::HUGEINT * 1000000007", "md5(range::VARCHAR)::UUID", "(range::VARCHAR || '0')::BIGNUM",
        ]
        let sql = "SELECT " + columns.map { "\($0), CAST(\($0) AS VARCHAR)" }.joined(separator: ", ")
            + " FROM range(-2000, 2000, 7)"
        var mismatches = 0
        let rows = try connection.query(sql).rows()
        #expect(rows.count == 572)
        for row in rows {
            for column in columns.indices {
                let expected: String = if case let .varchar(text) = row[2 * column + 1] { text } else { "NULL" }
                if row[2 * column].description != expected, mismatches < 10 {
                    mismatches += 1
                    Issue.record("\(columns[column]): \(row[2 * column].description) != \(expected)")
                }
            }
        }
    }

    @Test func logicalTypeDescriptionIsDuckDBsTypeof() throws {
        let connection = try memoryConnection()
        var expressions = Self.expressions
        expressions += [
            "{'select': 1, 'key': 'k', 'value': 2.5, 'My Field': true, 'a_1': NULL, '1a': 1, '_1': 2, 'x\"y': 3}",
            "MAP {'k': [1]}", "[[1.5::DECIMAL(4,1)]]", "['a'::ENUM('a', 'it''s')]", "[[1, 2]]::BIGINT[2][]",
            "union_value(\"order\" := 1)", "'{}'::JSON",
        ]
        for expression in expressions {
            let result: QueryResult
            let row: [Value]
            do {
                result = try connection.query("SELECT \(expression), typeof(\(expression))")
                row = try result.rows()[0]
            } catch {
                Issue.record("\(expression): \(error)")
                continue
            }
            guard case let .varchar(expected) = row[1] else {
                Issue.record("typeof(\(expression)) is not text")
                continue
            }
            if expression == "'{}'::JSON" {
                // Aliases are reported as their base type.
                #expect(expected == "JSON" && result.columns[0].type == .varchar)
                continue
            }
            #expect(result.columns[0].type.description == expected, "\(expression)")
        }
    }

    @Test func handWrittenValuesRenderLikeDuckDB() {
        #expect(Value.null.description == "NULL")
        #expect(Value.date(days: 19753).description == "2024-01-31")
        #expect(Value.timestamp(micros: 1_706_702_400_500_000).description == "2024-01-31 12:00:00.5")
        #expect(Value.timestampTZ(micros: 1_706_702_400_000_000).description == "2024-01-31 12:00:00+00")
        #expect(Value.interval(months: 14, days: 3, micros: 14_706_000_000).description == "1 year 2 months 3 days 04:05:06")
        #expect(Value.blob([0xAA, 0x41]).description == "\\xAAA")
        #expect(Value.list([.integer(1), .integer(2), .null]).description == "[1, 2, NULL]")
        #expect(
            Value.struct([StructField(name: "a", value: .integer(1)), StructField(name: "b", value: .varchar("hello"))]).description
                == "{'a': 1, 'b': hello}")
        #expect(Value.map([MapEntry(key: .varchar("k"), value: .varchar("v"))]).description == "{k=v}")
        #expect(DecimalValue(value: 12345, width: 5, scale: 2).description == "123.45")
        #expect(LogicalType.decimal(width: 18, scale: 3).description == "DECIMAL(18,3)")
        #expect(LogicalType.list(.integer).description == "INTEGER[]")
        #expect(LogicalType.map(key: .varchar, value: .integer).description == "MAP(VARCHAR, INTEGER)")
        #expect(LogicalType.struct([(name: "a", type: .integer), (name: "b", type: .varchar)]).description == "STRUCT(a INTEGER, b VARCHAR)")
    }
}
