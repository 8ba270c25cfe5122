/// A multipart upload that was started and neither completed nor aborted
/// (ListMultipartUploads). Its parts cost storage until it is aborted.
public struct S3MultipartUpload: Sendable, Hashable {
    /// The store path the upload would create.
    public var path: String
    /// S3's id of the upload.
    public var uploadId: String

    /// Creates an entry.
    public init(path: String, uploadId: String) {
        self.path = path
        self.uploadId = uploadId
    }
}
