import Foundation
import Testing
@testable import SwiftLake

@Suite("Paths are checked against the data roots")
struct DataRootsTests {
    @Test func relativeAndAbsolutePathsInsideARootResolve() throws {
        let directory = try TemporaryDirectory()
        FileManager.default.createFile(atPath: directory.file("a.parquet"), contents: Data())
        let roots = try DataRoots([directory.path])
        #expect(try roots.existing("a.parquet") == directory.file("a.parquet"))
        #expect(try roots.existing(directory.file("a.parquet")) == directory.file("a.parquet"))
        #expect(try roots.existing("./sub/../a.parquet".replacingOccurrences(of: "sub/../", with: "")) == directory.file("a.parquet"))
    }

    @Test func dotDotLeavingTheRootIsForbidden() throws {
        let directory = try TemporaryDirectory()
        let roots = try DataRoots([directory.path])
        expectKind(.forbidden) { _ = try roots.existing("../../etc/passwd") }
        expectKind(.forbidden) { _ = try roots.existing("/etc/passwd") }
        // A path outside that does not exist is still forbidden, not "not found" (no probing).
        expectKind(.forbidden) { _ = try roots.existing("/nonexistent/x.parquet") }
        expectKind(.forbidden) { _ = try roots.output("../escape.parquet") }
    }

    @Test func symlinksLeavingTheRootAreForbidden() throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.createSymbolicLink(atPath: directory.file("passwd.parquet"), withDestinationPath: "/etc/passwd")
        try FileManager.default.createSymbolicLink(atPath: directory.file("etc"), withDestinationPath: "/etc")
        let roots = try DataRoots([directory.path])
        for path in ["passwd.parquet", "etc/passwd", "etc"] {
            do {
                _ = try roots.existing(path)
                Issue.record("\(path) resolved")
            } catch let error as SwiftLakeError {
                #expect(error.kind == .forbidden, "\(path): \(error)")
            }
        }
        expectKind(.forbidden) { _ = try roots.output("etc/new.parquet") }
        // Directory walks and globs skip links that lead out.
        FileManager.default.createFile(atPath: directory.file("real.parquet"), contents: Data())
        #expect(try roots.parquetFiles([directory.path]) == [directory.file("real.parquet")])
    }

    @Test func missingFilesAreNotFound() throws {
        let directory = try TemporaryDirectory()
        let roots = try DataRoots([directory.path])
        expectKind(.notFound) { _ = try roots.existing("missing.parquet") }
        expectKind(.notFound) { _ = try roots.parquetFiles(["*.parquet"]) }
    }

    @Test func directoriesAndGlobsExpandToParquetFilesSkippingHiddenOnes() throws {
        let directory = try TemporaryDirectory()
        let fm = FileManager.default
        for path in ["t/year=2024/a.parquet", "t/year=2025/b.parquet", "t/_delta_log/c.parquet", "t/.hidden/d.parquet",
                     "t/year=2025/notes.txt", "t/.swiftlake-tmp-x.parquet"] {
            try fm.createDirectory(atPath: (directory.file(path) as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            fm.createFile(atPath: directory.file(path), contents: Data())
        }
        let roots = try DataRoots([directory.path])
        #expect(try roots.parquetFiles(["t"]) == [directory.file("t/year=2024/a.parquet"), directory.file("t/year=2025/b.parquet")])
        #expect(try roots.parquetFiles(["t/year=*/*.parquet"]) == [directory.file("t/year=2024/a.parquet"), directory.file("t/year=2025/b.parquet")])
        #expect(try roots.parquetFiles(["t/**/b.parquet"]) == [directory.file("t/year=2025/b.parquet")])
    }

    @Test func outputCreatesMissingParentsInsideTheRoot() throws {
        let directory = try TemporaryDirectory()
        let roots = try DataRoots([directory.path])
        #expect(try roots.output("new/dir/out.parquet") == directory.file("new/dir/out.parquet"))
        #expect(FileManager.default.fileExists(atPath: directory.file("new/dir")))
    }
}

/// Expects `body` to throw a SwiftLakeError of `kind`; succeeding is a failure too.
func expectKind(_ kind: SwiftLakeError.Kind, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected a \(kind) error, but the call succeeded", sourceLocation: sourceLocation)
    } catch let error as SwiftLakeError {
        #expect(error.kind == kind, "got \(error.kind): \(error.message)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected SwiftLakeError.\(kind), got \(error)", sourceLocation: sourceLocation)
    }
}
