import Foundation

extension S3Store {
    /// Uploads the local file `localFile` to `path`: in one PutObject below
    /// ``S3Configuration/multipartThreshold``, otherwise as a multipart upload of
    /// ``S3Configuration/multipartPartSize`` parts (several at a time). A failed multipart
    /// upload is aborted, so no parts are left behind; the object then does not exist (or
    /// keeps its old content).
    public func uploadFile(_ localFile: String, to path: String) async throws {
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: localFile)
        } catch {
            throw ObjectStoreError(code: .notFound, message: "cannot upload \(localFile): the file does not exist or is unreadable",
                                   path: path, cause: error)
        }
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        if size < Int64(configuration.multipartThreshold) {
            guard let data = FileManager.default.contents(atPath: localFile) else {
                throw ObjectStoreError(code: .permissionDenied, message: "cannot read \(localFile)", path: path)
            }
            try await put(path, Array(data))
            return
        }
        try await multipartUpload(path, size: size, partSize: configuration.multipartPartSize) { offset, count in
            try Self.readPart(of: localFile, offset: offset, count: count, path: path)
        }
    }

    /// The multipart protocol over any part source: create, upload the parts (at most
    /// ``S3Configuration/multipartConcurrency`` at once), complete; abort on any failure.
    /// `readPart(offset, count)` returns the bytes of one part.
    func multipartUpload(_ path: String, size: Int64, partSize: Int,
                         readPart: @escaping @Sendable (Int64, Int) async throws -> [UInt8]) async throws {
        let key = try key(for: path)
        let created = try await client.execute(S3Request(method: .POST, key: key, query: [("uploads", "")],
                                                         operation: "CreateMultipartUpload", path: path))
        guard let uploadId = XMLElementTree.parse(created.body)?.value("UploadId") else {
            throw ObjectStoreError(code: .io, message: "CreateMultipartUpload for '\(path)' returned no UploadId", path: path)
        }
        do {
            let partCount = Int((size + Int64(partSize) - 1) / Int64(partSize))
            let etags = try await uploadParts(key: key, path: path, uploadId: uploadId, size: size,
                                              partSize: partSize, partCount: partCount, readPart: readPart)
            try await completeMultipartUpload(key: key, path: path, uploadId: uploadId, etags: etags)
        } catch {
            // Abort even if this task was cancelled: a detached task does not inherit it.
            let client = self.client
            await Task.detached {
                _ = try? await client.execute(S3Request(method: .DELETE, key: key, query: [("uploadId", uploadId)],
                                                        operation: "AbortMultipartUpload", path: path),
                                              accepting: [404])
            }.value
            throw error
        }
    }

    private func uploadParts(key: String, path: String, uploadId: String, size: Int64, partSize: Int, partCount: Int,
                             readPart: @escaping @Sendable (Int64, Int) async throws -> [UInt8]) async throws -> [String] {
        let client = self.client
        var etags = [String](repeating: "", count: partCount)
        try await withThrowingTaskGroup(of: (Int, String).self) { group in
            var next = 1
            func addPart(_ number: Int) {
                group.addTask {
                    let offset = Int64(number - 1) * Int64(partSize)
                    let count = Int(min(Int64(partSize), size - offset))
                    let bytes = try await readPart(offset, count)
                    guard bytes.count == count else {
                        throw ObjectStoreError(code: .io,
                            message: "part \(number) of '\(path)' has \(bytes.count) bytes, expected \(count); the file changed during the upload",
                            path: path)
                    }
                    let response = try await client.execute(S3Request(
                        method: .PUT, key: key, query: [("partNumber", String(number)), ("uploadId", uploadId)],
                        body: bytes, operation: "UploadPart", path: path))
                    guard let etag = response.header("ETag") else {
                        throw ObjectStoreError(code: .io, message: "UploadPart \(number) of '\(path)' returned no ETag", path: path)
                    }
                    return (number, etag)
                }
            }
            while next <= min(partCount, configuration.multipartConcurrency) { addPart(next); next += 1 }
            while let (number, etag) = try await group.next() {
                etags[number - 1] = etag
                if next <= partCount { addPart(next); next += 1 }
            }
        }
        return etags
    }

    private func completeMultipartUpload(key: String, path: String, uploadId: String, etags: [String]) async throws {
        var xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        for (index, etag) in etags.enumerated() {
            xml += "<Part><PartNumber>\(index + 1)</PartNumber><ETag>\(XMLElementTree.escape(etag))</ETag></Part>"
        }
        xml += "</CompleteMultipartUpload>"
        let response = try await client.execute(S3Request(method: .POST, key: key, query: [("uploadId", uploadId)],
                                                          body: Array(xml.utf8), operation: "CompleteMultipartUpload",
                                                          path: path))
        // S3 may answer 200 and put the error in the body.
        if let document = XMLElementTree.parse(response.body), document.name == "Error" {
            let serviceError = S3ErrorParser.serviceError(status: 500, headers: response.headers, body: response.body)
            throw S3ErrorParser.objectStoreError(serviceError, operation: "CompleteMultipartUpload",
                                                 bucket: configuration.bucket, key: key, path: path,
                                                 configuredRegion: configuration.region,
                                                 endpoint: configuration.resolvedEndpoint,
                                                 credentialsSource: configuration.credentialsProvider.sourceDescription)
        }
    }

    /// Multipart uploads under `prefix` that were neither completed nor aborted.
    public func listMultipartUploads(prefix: String = "") async throws -> [S3MultipartUpload] {
        var uploads: [S3MultipartUpload] = []
        var keyMarker: String?
        var uploadIdMarker: String?
        repeat {
            var query = [("uploads", ""), ("prefix", configuration.prefix + prefix)]
            if let keyMarker { query.append(("key-marker", keyMarker)) }
            if let uploadIdMarker { query.append(("upload-id-marker", uploadIdMarker)) }
            let response = try await client.execute(S3Request(method: .GET, key: nil, query: query,
                                                              operation: "ListBucketMultipartUploads", path: prefix))
            guard let document = XMLElementTree.parse(response.body) else { break }
            for upload in document.children("Upload") {
                if let key = upload.value("Key"), let id = upload.value("UploadId"), key.hasPrefix(configuration.prefix) {
                    uploads.append(S3MultipartUpload(path: path(forKey: key), uploadId: id))
                }
            }
            let truncated = document.value("IsTruncated") == "true"
            keyMarker = truncated ? document.value("NextKeyMarker") : nil
            uploadIdMarker = truncated ? document.value("NextUploadIdMarker") : nil
        } while keyMarker != nil
        return uploads
    }

    /// Aborts the upload `upload`, freeing its parts.
    public func abortMultipartUpload(_ upload: S3MultipartUpload) async throws {
        _ = try await client.execute(S3Request(method: .DELETE, key: try key(for: upload.path),
                                               query: [("uploadId", upload.uploadId)],
                                               operation: "AbortMultipartUpload", path: upload.path),
                                     accepting: [404])
    }

    static func readPart(of file: String, offset: Int64, count: Int, path: String) throws -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: file) else {
            throw ObjectStoreError(code: .permissionDenied, message: "cannot open \(file) for reading", path: path)
        }
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(offset))
        return Array(try handle.read(upToCount: count) ?? Data())
    }
}
