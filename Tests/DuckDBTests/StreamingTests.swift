import Testing

@testable import DuckDB

@Suite("Streaming results")
struct StreamingTests {
    @Test func largeResultsArriveInChunks() throws {
        let connection = try memoryConnection()
        let result = try connection.query("SELECT range AS i, range::VARCHAR AS s FROM range(10000)")
        #expect(result.columns == [Column(name: "i", type: .bigint), Column(name: "s", type: .varchar)])
        var sizes: [Int] = []
        var next: Int64 = 0
        while let chunk = try result.nextChunk() {
            sizes.append(chunk.count)
            #expect(chunk.columns.count == 2)
            for row in 0..<chunk.count {
                #expect(chunk.row(row) == [.bigint(next), .varchar(String(next))])
                next += 1
            }
        }
        #expect(next == 10000)
        #expect(sizes.count >= 5)  // 10000 rows at most 2048 per chunk
        #expect(sizes.allSatisfy { $0 <= 2048 })
        #expect(try result.nextChunk() == nil)  // stays at the end
    }

    @Test func rowsDrainsWhatIsLeft() throws {
        let connection = try memoryConnection()
        let result = try connection.query("SELECT range FROM range(5000)")
        let first = try #require(try result.nextChunk())
        let rest = try result.rows()
        #expect(first.count + rest.count == 5000)
        #expect(rest.last == [.bigint(4999)])
    }

    @Test func aNewStatementEndsTheUnreadResult() throws {
        let connection = try memoryConnection()
        let unread = try connection.query("SELECT range FROM range(100000)")
        _ = try unread.nextChunk()
        // The connection is free for the next statement...
        #expect(try scalar(connection, "SELECT 7") == .integer(7))
        // ...and the old result says why it stopped.
        let error = try #require(throws: DuckDBError.self) { try unread.nextChunk() }
        #expect(error.code == .resultInvalidated)
        // A result read to the end is unaffected.
        let finished = try connection.query("SELECT 1")
        #expect(try finished.rows() == [[.integer(1)]])
        try connection.execute("SELECT 2")
        #expect(try finished.nextChunk() == nil)
    }

    @Test func rowsChangedCountsDML() throws {
        let connection = try memoryConnection()
        try connection.execute("CREATE TABLE t (x INTEGER)")
        #expect(try connection.query("INSERT INTO t SELECT range FROM range(10)").rowsChanged == 10)
        #expect(try connection.query("UPDATE t SET x = x + 1 WHERE x < 3").rowsChanged == 3)
        #expect(try connection.query("DELETE FROM t WHERE x > 5").rowsChanged == 4)
        #expect(try connection.query("SELECT * FROM t").rowsChanged == 0)
    }

    @Test func connectionsOnOneDatabaseRunInParallel() async throws {
        let database = try Database()
        try database.connect().execute("CREATE TABLE numbers AS SELECT range AS n FROM range(100000)")
        let workers = try (0..<4).map { worker in
            let connection = try database.connect()
            return BackgroundWork {
                var sums: [Value] = []
                for round in 0..<10 {
                    let limit = (worker + 1) * 1000 + round
                    sums.append(try connection.query("SELECT sum(n) FROM numbers WHERE n < ?", parameters: [.bigint(Int64(limit))]).rows()[0][0])
                }
                return sums
            }
        }
        for (worker, work) in workers.enumerated() {
            let sums = try #require(await work.wait(seconds: 30)).get()
            let expected = (0..<10).map { round -> Value in
                let limit = (worker + 1) * 1000 + round
                return .hugeint(Int128(limit * (limit - 1) / 2))
            }
            #expect(sums == expected)
        }
    }

    @Test func resultsCanBeReadOnAnotherThread() async throws {
        let connection = try memoryConnection()
        let result = try connection.query("SELECT sum(range) FROM range(1000)")
        let work = BackgroundWork { try result.rows() }
        let outcome = try #require(await work.wait(seconds: 10))
        #expect(try outcome.get() == [[.hugeint(499_500)]])
    }
}
