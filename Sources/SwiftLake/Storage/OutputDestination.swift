import Foundation
import ObjectStore

/// Where an operation's output goes (the new file of `modify`, the file or partitioned
/// directory of `merge`): a local path, or an `s3://` key. Either way readers never see half
/// an output, and a failure leaves whatever was there untouched.
///
/// - **Local**: written beside its final name and renamed into place (``AtomicOutput``).
/// - **S3**: written into the engine's staging directory, then uploaded (multipart when
///   large). A new single-file output is put with `If-None-Match: *` when it fits one `PUT`,
///   so two requests racing for the same key cannot both win; a partitioned directory is
///   uploaded file by file, and an overwrite then deletes the objects under the key that the
///   new output does not have. An S3 overwrite is therefore not one atomic step: a reader
///   listing the prefix during the upload can see old and new files side by side.
struct OutputDestination: Sendable {
    private enum Place: Sendable {
        case local(AtomicOutput)
        case s3(store: S3Store, key: String)
    }

    private let place: Place
    /// Where the engine writes the output (a file, or a directory for partitioned output).
    let stagingPath: String
    /// The output as the result reports it: a canonical local path or an `s3://` URL.
    let reportedPath: String
    private let overwrite: Bool

    /// A local output at `finalPath` (already checked against the roots).
    init(localPath finalPath: String, overwrite: Bool) throws {
        let atomic = try AtomicOutput(finalPath: finalPath, overwrite: overwrite)
        place = .local(atomic)
        stagingPath = atomic.stagingPath
        reportedPath = finalPath
        self.overwrite = overwrite
    }

    /// An output at `key` of the bucket `store` addresses, staged at `stagingPath`; refused
    /// with 409 when something is there already (an object, or objects below `key/`) and
    /// `overwrite` is not set.
    init(store: S3Store, key: String, url: String, stagingPath: String, overwrite: Bool) async throws {
        place = .s3(store: store, key: key)
        self.stagingPath = stagingPath
        reportedPath = url
        self.overwrite = overwrite
        if !overwrite {
            do {
                let exists = try await store.head(key) != nil
                let below = exists ? false : !(try await store.list(prefix: key + "/")).isEmpty
                if exists || below {
                    throw SwiftLakeError(.conflict, code: "output_exists",
                                         "'\(url)' already exists. Choose another output or set \"overwrite\": true.")
                }
            } catch let error as SwiftLakeError {
                throw error
            } catch {
                throw SwiftLakeError.objectStore(error, url: url)
            }
        }
    }

    /// Puts the staged output in place; returns its size in bytes.
    @discardableResult
    func commit() async throws -> Int {
        let size = FileManager.default.totalSize(atPath: stagingPath)
        switch place {
        case .local(let atomic):
            try atomic.commit()
        case .s3(let store, let key):
            do {
                if FileManager.default.isDirectory(stagingPath) {
                    try await uploadDirectory(store: store, key: key)
                } else {
                    try await uploadFile(store: store, key: key, size: size)
                }
            } catch let error as SwiftLakeError {
                throw error
            } catch {
                throw SwiftLakeError.objectStore(error, url: reportedPath)
            }
            discard()
        }
        return size
    }

    /// Removes the staged output (after a failure, or once uploaded).
    func discard() {
        try? FileManager.default.removeItem(atPath: stagingPath)
    }

    private func uploadFile(store: S3Store, key: String, size: Int) async throws {
        if !overwrite && size < store.configuration.multipartThreshold {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: stagingPath)))
            if try await store.putIfAbsent(key, bytes) == .alreadyExists {
                throw SwiftLakeError(.conflict, code: "output_exists",
                                     "'\(reportedPath)' was created by someone else while this request ran; nothing was written. Choose another output or set \"overwrite\": true.")
            }
            return
        }
        try await store.uploadFile(stagingPath, to: key)
        if overwrite {
            // A directory output that this file replaces.
            let stale = try await store.list(prefix: key + "/").map(\.path)
            if !stale.isEmpty { try await store.delete(stale) }
        }
    }

    private func uploadDirectory(store: S3Store, key: String) async throws {
        let files = (FileManager.default.subpaths(atPath: stagingPath) ?? [])
            .filter { !FileManager.default.isDirectory(stagingPath + "/" + $0) }.sorted()
        var written = Set<String>()
        for file in files {
            try await store.uploadFile(stagingPath + "/" + file, to: key + "/" + file)
            written.insert(key + "/" + file)
        }
        if overwrite {
            let stale = try await store.list(prefix: key + "/").map(\.path).filter { !written.contains($0) }
            if !stale.isEmpty { try await store.delete(stale) }
            if try await store.head(key) != nil { try await store.delete([key]) }
        }
    }
}
