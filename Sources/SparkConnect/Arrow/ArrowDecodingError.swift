/// Why an Arrow IPC stream could not be decoded.
public enum ArrowDecodingError: Error, Equatable, CustomStringConvertible {
    /// The bytes break the IPC format (truncated, out-of-bounds offsets, …).
    case malformed(String)
    /// Valid Arrow, but a feature this decoder does not read (compression, dictionaries,
    /// unions, big-endian data, …).
    case unsupported(String)

    public var description: String {
        switch self {
        case .malformed(let why): return "malformed Arrow IPC stream: \(why)"
        case .unsupported(let what): return "unsupported Arrow IPC feature: \(what)"
        }
    }
}
