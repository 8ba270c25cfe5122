import Crypto
import Foundation

/// AWS Signature Version 4 in the `Authorization` header (`AWS4-HMAC-SHA256`).
///
/// The caller gives the request as it goes on the wire: the method, the path already
/// percent-encoded (S3 encodes each key segment once; see ``uriEncode(_:encodeSlash:)``),
/// the query as unencoded name/value pairs, the headers (with `host`) and the hex SHA-256
/// of the payload. ``sign(method:encodedPath:query:headers:payloadHash:date:)`` adds
/// `x-amz-date` (and `x-amz-security-token` for temporary credentials) and returns every
/// header to send, with `authorization`.
public struct SigV4Signer: Sendable {
    /// The key pair that signs.
    public var credentials: AWSCredentials
    /// The region in the credential scope (`us-east-1`).
    public var region: String
    /// The service in the credential scope (`s3`).
    public var service: String

    /// A signer for `service` in `region`.
    public init(credentials: AWSCredentials, region: String, service: String = "s3") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// The hex SHA-256 of an empty payload.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// What signing produced: the headers to send and the intermediate strings (for
    /// debugging a `SignatureDoesNotMatch` and for testing against AWS's published vectors).
    public struct SignedRequest: Sendable {
        /// Every header to send, lowercased names, including `authorization` and `x-amz-date`.
        public var headers: [(name: String, value: String)]
        /// The canonical request that was hashed.
        public var canonicalRequest: String
        /// The string that was signed.
        public var stringToSign: String
        /// The hex signature.
        public var signature: String
        /// The `Authorization` header value.
        public var authorization: String
    }

    /// Signs a request; see the type's description for what each argument is.
    public func sign(method: String, encodedPath: String, query: [(String, String)],
                     headers: [(String, String)], payloadHash: String, date: Date) -> SignedRequest {
        let amzDate = Self.amzDateFormat(date)
        let day = String(amzDate.prefix(8))
        var all = headers.map { (name: $0.0.lowercased(), value: $0.1) }
        all.removeAll { $0.name == "x-amz-date" || $0.name == "authorization" }
        all.append((name: "x-amz-date", value: amzDate))
        if let token = credentials.sessionToken, !all.contains(where: { $0.name == "x-amz-security-token" }) {
            all.append((name: "x-amz-security-token", value: token))
        }

        // Canonical headers: lowercased names, sorted; values trimmed with inner runs of
        // spaces collapsed; repeated names joined with commas in the order given.
        var grouped: [String: [String]] = [:]
        for header in all { grouped[header.name, default: []].append(Self.canonicalHeaderValue(header.value)) }
        let names = grouped.keys.sorted()
        let canonicalHeaders = names.map { "\($0):\(grouped[$0]!.joined(separator: ","))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")

        let encodedQuery: [(name: String, value: String)] = query.map {
            (name: Self.uriEncode($0.0, encodeSlash: true), value: Self.uriEncode($0.1, encodeSlash: true))
        }
        let sortedQuery = encodedQuery.sorted { $0.name == $1.name ? $0.value < $1.value : $0.name < $1.name }
        let canonicalQuery = sortedQuery.map { "\($0.name)=\($0.value)" }.joined(separator: "&")

        let canonicalPath: String = encodedPath.isEmpty ? "/" : encodedPath
        let requestLines: [String] = [method.uppercased(), canonicalPath, canonicalQuery,
                                      canonicalHeaders, signedHeaders, payloadHash]
        let canonicalRequest = requestLines.joined(separator: "\n")
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope,
                            Self.hex(SHA256.hash(data: Array(canonicalRequest.utf8)))].joined(separator: "\n")

        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8),
                                                                 using: signingKey(day: day)))
        let authorization = "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyId)/\(scope), "
            + "SignedHeaders=\(signedHeaders), Signature=\(signature)"
        all.append((name: "authorization", value: authorization))
        return SignedRequest(headers: all, canonicalRequest: canonicalRequest, stringToSign: stringToSign,
                             signature: signature, authorization: authorization)
    }

    /// The derived key: HMAC chain over the day, region, service and `aws4_request`.
    func signingKey(day: String) -> SymmetricKey {
        func hmac(_ key: SymmetricKey, _ text: String) -> SymmetricKey {
            SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: key)))
        }
        let secret = SymmetricKey(data: Array("AWS4\(credentials.secretAccessKey)".utf8))
        return hmac(hmac(hmac(hmac(secret, day), region), service), "aws4_request")
    }

    // MARK: - Encoding helpers

    /// `YYYYMMDD'T'HHMMSS'Z'` in UTC.
    public static func amzDateFormat(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { value.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "\(c.year ?? 1970)\(two(c.month))\(two(c.day))T\(two(c.hour))\(two(c.minute))\(two(c.second))Z"
    }

    /// RFC 3986 percent-encoding as AWS wants it: `A–Z a–z 0–9 - _ . ~` stay, every other
    /// UTF-8 byte becomes `%XX` (uppercase hex); `/` stays unless `encodeSlash`.
    public static func uriEncode(_ text: String, encodeSlash: Bool) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where !encodeSlash:
                result += "/"
            default:
                let hexDigits = Array("0123456789ABCDEF")
                result += "%" + String(hexDigits[Int(byte >> 4)]) + String(hexDigits[Int(byte & 0xF)])
            }
        }
        return result
    }

    static func canonicalHeaderValue(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    /// Lowercase hex of a digest or MAC.
    static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for byte in bytes { out.append(digits[Int(byte >> 4)]); out.append(digits[Int(byte & 0xF)]) }
        return String(decoding: out, as: UTF8.self)
    }

    static func hex<D: Digest>(_ digest: D) -> String { hex(Array(digest)) }

    static func hex(_ mac: HashedAuthenticationCode<SHA256>) -> String { hex(Array(mac)) }

    /// Hex SHA-256 of `bytes`, the `x-amz-content-sha256` value.
    public static func payloadHash<C: ContiguousBytes>(_ bytes: C) -> String {
        bytes.withUnsafeBytes { hex(SHA256.hash(data: $0)) }
    }
}
