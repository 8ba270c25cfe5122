import Foundation
import NIOCore

extension S3Store {
    /// Streams the object at `path` (or its bytes `range`) to `body` chunk by chunk, so
    /// objects larger than memory can be read. The stream is valid until `body` returns.
    public func withObjectStream<R: Sendable>(_ path: String, range: Range<Int64>? = nil,
                                              _ body: (S3ObjectStream) async throws -> R) async throws -> R {
        var headers: [(String, String)] = []
        if let range {
            guard !range.isEmpty else {
                throw ObjectStoreError(code: .invalidPath, message: "empty byte range \(range) for '\(path)'", path: path)
            }
            headers.append(("Range", "bytes=\(range.lowerBound)-\(range.upperBound - 1)"))
        }
        let request = S3Request(method: .GET, key: try key(for: path), headers: headers,
                                operation: "GetObject", path: path)
        return try await client.withStreamingResponse(request) { response in
            let length = response.headers.first(name: "Content-Length").flatMap { Int64($0) }
            return try await body(S3ObjectStream(contentLength: length, body: response.body))
        }
    }

    /// Writes the object at `path` (or its bytes `range`) to the local file `localFile`,
    /// streaming, and returns the number of bytes written. The file is written beside
    /// the target and renamed into place, so a failed download leaves no partial file.
    @discardableResult
    public func download(_ path: String, range: Range<Int64>? = nil, to localFile: String) async throws -> Int64 {
        let temporary = localFile + ".download-\(UUID().uuidString.lowercased())"
        guard FileManager.default.createFile(atPath: temporary, contents: nil) else {
            throw ObjectStoreError(code: .permissionDenied,
                message: "cannot create \(temporary) to download '\(path)'; check that the directory exists and is writable",
                path: path)
        }
        do {
            let handle = try FileHandle(forWritingAtPath: temporary).unwrap(orThrow: path, temporary)
            defer { try? handle.close() }
            let written = try await withObjectStream(path, range: range) { stream in
                var total: Int64 = 0
                for try await chunk in stream {
                    try handle.write(contentsOf: Data(chunk.readableBytesView))
                    total += Int64(chunk.readableBytes)
                }
                if let expected = stream.contentLength, expected != total {
                    throw ObjectStoreError(code: .io,
                        message: "download of '\(path)' ended after \(total) of \(expected) bytes; the connection broke, try again",
                        path: path)
                }
                return total
            }
            try handle.synchronize()
            if rename(temporary, localFile) != 0 {
                throw ObjectStoreError(code: .io, message: "cannot rename \(temporary) to \(localFile): \(String(cString: strerror(errno)))",
                                       path: path)
            }
            return written
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }
}

private extension Optional where Wrapped == FileHandle {
    func unwrap(orThrow path: String, _ file: String) throws -> FileHandle {
        guard let handle = self else {
            throw ObjectStoreError(code: .permissionDenied, message: "cannot open \(file) for writing", path: path)
        }
        return handle
    }
}
