/// How the bucket appears in request URLs.
public enum S3AddressingStyle: String, Sendable, Hashable, CaseIterable {
    /// `https://s3.<region>.amazonaws.com/<bucket>/<key>`: works with every S3-compatible
    /// server (MinIO, moto, Ceph) and with bucket names that contain dots.
    case path
    /// `https://<bucket>.s3.<region>.amazonaws.com/<key>`: AWS's preferred style.
    case virtualHosted = "virtual"
    /// Virtual-hosted on AWS when the bucket name is DNS-safe (no dots), path style for a
    /// custom endpoint or any other bucket.
    case auto

    /// Parses `path`, `virtual` (or `virtual-hosted`) and `auto`, case-insensitively.
    public init?(parsing text: String) {
        switch text.lowercased() {
        case "path": self = .path
        case "virtual", "virtual-hosted", "virtual_hosted", "virtualhosted": self = .virtualHosted
        case "auto", "": self = .auto
        default: return nil
        }
    }
}
