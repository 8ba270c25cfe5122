/// A bucket and a key prefix, parsed from `s3://bucket/prefix` (also `s3a://`).
///
/// The prefix is normalised to have no leading `/` and, unless empty, one trailing `/`,
/// so `s3://lake/tables/sales` and `s3://lake/tables/sales/` name the same place.
public struct S3Location: Sendable, Hashable, CustomStringConvertible {
    /// The bucket name.
    public var bucket: String
    /// The key prefix below which the store's paths live: empty, or ending in `/`.
    public var prefix: String

    /// A location from its parts; `prefix` is normalised.
    public init(bucket: String, prefix: String = "") {
        self.bucket = bucket
        self.prefix = Self.normalize(prefix: prefix)
    }

    /// Parses `s3://bucket[/prefix]`. Throws `.invalidPath` for anything else, saying what
    /// a valid URL looks like.
    public init(url: String) throws {
        var rest: Substring
        if url.hasPrefix("s3://") {
            rest = url.dropFirst(5)
        } else if url.hasPrefix("s3a://") {
            rest = url.dropFirst(6)
        } else {
            throw ObjectStoreError(code: .invalidPath,
                message: "'\(url)' is not an S3 URL; write it as s3://bucket/prefix", path: url)
        }
        let bucket: Substring
        if let slash = rest.firstIndex(of: "/") {
            bucket = rest[..<slash]
            rest = rest[rest.index(after: slash)...]
        } else {
            bucket = rest
            rest = ""
        }
        if let problem = Self.bucketNameProblem(String(bucket)) {
            throw ObjectStoreError(code: .invalidPath, message: "'\(url)': \(problem)", path: url)
        }
        if rest.split(separator: "/", omittingEmptySubsequences: false).dropLast().contains(where: { $0 == "." || $0 == ".." }) {
            throw ObjectStoreError(code: .invalidPath,
                message: "'\(url)': the prefix has a '.' or '..' component; S3 keys are literal, write the prefix without them", path: url)
        }
        self.init(bucket: String(bucket), prefix: String(rest))
    }

    /// `s3://bucket/prefix`.
    public var description: String { "s3://\(bucket)/\(prefix)" }

    /// Whether `text` looks like an S3 URL (`s3://` or `s3a://`).
    public static func isS3URL(_ text: String) -> Bool { text.hasPrefix("s3://") || text.hasPrefix("s3a://") }

    static func normalize(prefix: String) -> String {
        var prefix = Substring(prefix)
        while prefix.hasPrefix("/") { prefix = prefix.dropFirst() }
        while prefix.hasSuffix("//") { prefix = prefix.dropLast() }
        if prefix.isEmpty { return "" }
        return prefix.hasSuffix("/") ? String(prefix) : prefix + "/"
    }

    /// Why `name` cannot be a bucket name, or `nil` when it can (S3's rules: 3–63
    /// characters of lowercase letters, digits, `.` and `-`, starting and ending with a
    /// letter or digit). Local test servers accept more, so only the basics are checked.
    static func bucketNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "the bucket name is missing; write s3://bucket/prefix" }
        let allowed = name.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
        }
        if !allowed || name.count > 255 {
            return "'\(name)' is not a valid bucket name (letters, digits, '.', '-' only)"
        }
        return nil
    }
}
