import Foundation
import Testing
@testable import ObjectStore

/// The invariants of the ``ObjectStore`` protocol, checked on every store the same way,
/// so `LocalStore` and `S3Store` cannot drift apart.
@Suite struct ObjectStoreContractTests {
    enum Kind: String, CaseIterable, Sendable, CustomStringConvertible {
        case local, s3
        var description: String { rawValue }
    }

    /// A fresh empty store of `kind` (nil when S3 tests skip).
    func makeStore(_ kind: Kind, sourceLocation: SourceLocation = #_sourceLocation) async throws -> (any ObjectStore)? {
        switch kind {
        case .local:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)").path
            return LocalStore(root: directory)
        case .s3:
            return try await S3TestServer.freshStore(prefix: "root/lake", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: Kind.allCases)
    func putGetReplaceAndHead(_ kind: Kind) async throws {
        guard let store = try await makeStore(kind) else { return }
        try await store.put("t/a.json", Array("first".utf8))
        try await store.put("t/a.json", Array("second!".utf8))
        #expect(try await store.get("t/a.json") == Array("second!".utf8))
        let meta = try #require(try await store.head("t/a.json"))
        #expect(meta.size == 7)
        #expect(meta.path == "t/a.json")
        #expect(abs(meta.lastModified.timeIntervalSinceNow) < 300)
        #expect(try await store.head("t/missing.json") == nil)
        #expect(try await store.head("t") == nil)  // a "directory" is not an object
        let missing = await objectStoreError { _ = try await store.get("t/missing.json") }
        #expect(missing?.code == .notFound)
    }

    @Test(arguments: Kind.allCases)
    func rangedGetIsCutAtTheEnd(_ kind: Kind) async throws {
        guard let store = try await makeStore(kind) else { return }
        try await store.put("r.bin", Array("0123456789".utf8))
        #expect(try await store.get("r.bin", range: 2..<5) == Array("234".utf8))
        #expect(try await store.get("r.bin", range: 7..<100) == Array("789".utf8))
        #expect(try await store.get("r.bin", range: 10..<20) == [])
        #expect(try await store.get("r.bin", range: 3..<3) == [])
    }

    @Test(arguments: Kind.allCases)
    func listIsRecursiveSortedBytewiseAndStartsAfter(_ kind: Kind) async throws {
        guard let store = try await makeStore(kind) else { return }
        let paths = ["a/z.json", "a/é.json", "a/B.json", "a/a b.json", "a/sub/x.json", "ab/1.json", "b/2.json"]
        for path in paths.shuffled() { try await store.put(path, Array(path.utf8)) }
        let all = try await store.list(prefix: "").map(\.path)
        #expect(all == paths.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        #expect(try await store.list(prefix: "a/").map(\.path) == ["a/B.json", "a/a b.json", "a/sub/x.json", "a/z.json", "a/é.json"])
        #expect(try await store.list(prefix: "a").map(\.path).count == 6)  // a partial name matches like S3
        #expect(try await store.list(prefix: "a/", startAfter: "a/sub/x.json").map(\.path) == ["a/z.json", "a/é.json"])
        #expect(try await store.list(prefix: "a/", startAfter: "a/é.json").isEmpty)
        #expect(try await store.list(prefix: "nothing/").isEmpty)
        let sizes = try await store.list(prefix: "b/").map(\.size)
        #expect(sizes == [Int64("b/2.json".utf8.count)])
    }

    @Test(arguments: Kind.allCases)
    func putIfAbsentCreatesOnceAndKeepsTheWinner(_ kind: Kind) async throws {
        guard let store = try await makeStore(kind) else { return }
        #expect(try await store.putIfAbsent("_delta_log/00000000000000000000.json", Array("mine".utf8)) == .created)
        #expect(try await store.putIfAbsent("_delta_log/00000000000000000000.json", Array("theirs".utf8)) == .alreadyExists)
        #expect(try await store.get("_delta_log/00000000000000000000.json") == Array("mine".utf8))
    }

    /// The issue's check that the server enforces conditional writes: of 16 concurrent
    /// writers to one key exactly one wins, and the object holds the winner's bytes.
    @Test(arguments: Kind.allCases)
    func concurrentPutIfAbsentHasExactlyOneWinner(_ kind: Kind) async throws {
        guard let store = try await makeStore(kind) else { return }
        for round in 0..<3 {
            let path = "_delta_log/\(String(format: "%020d", round)).json"
            let results = try await withThrowingTaskGroup(of: (Int, PutResult).self) { group in
                for writer in 0..<16 {
                    group.addTask { (writer, try await store.putIfAbsent(path, Array("writer \(writer)".utf8))) }
                }
                return try await group.reduce(into: [(Int, PutResult)]()) { $0.append($1) }
            }
            let winners = results.filter { $0.1 == .created }
            #expect(winners.count == 1, "round \(round): \(winners.count) writers were told .created")
            if let winner = winners.first {
                #expect(try await store.get(path) == Array("writer \(winner.0)".utf8))
            }
        }
    }

    @Test(arguments: Kind.allCases)
    func deleteRemovesAndIgnoresMissing(_ kind: Kind) async throws {
        guard let store = try await makeStore(kind) else { return }
        try await store.put("d/1", [1])
        try await store.put("d/2", [2])
        try await store.delete(["d/1", "d/never-existed"])
        #expect(try await store.list(prefix: "d/").map(\.path) == ["d/2"])
        try await store.delete([])
    }

    @Test(arguments: Kind.allCases)
    func pathsThatEscapeTheRootAreRefused(_ kind: Kind) async throws {
        guard let store = try await makeStore(kind) else { return }
        for bad in ["/etc/passwd", "a/../b", "a//b", "./a", ""] {
            let error = await objectStoreError { try await store.put(bad, [0]) }
            #expect(error?.code == .invalidPath, "\(bad)")
        }
    }
}
