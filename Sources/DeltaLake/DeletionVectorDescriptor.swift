import Foundation

/// Where a data file's deleted rows are recorded (PROTOCOL.md, "Deletion Vectors").
///
/// The bitmap itself (a RoaringBitmap array of deleted row indexes) is stored inline
/// (`i`), in a file named by a UUID relative to the table (`u`), or at an absolute path (`p`).
public struct DeletionVectorDescriptor: Sendable, Hashable {
    /// How the deletion vector is stored.
    public enum StorageType: String, Sendable, Hashable {
        /// `u`: `<random prefix><z85 UUID>`, a file `<prefix>/deletion_vector_<uuid>.bin` under the table root.
        case uuidRelative = "u"
        /// `i`: the z85-encoded bitmap inline in the log.
        case inline = "i"
        /// `p`: an absolute path (URI) of the file.
        case absolutePath = "p"
    }

    /// How the deletion vector is stored.
    public var storageType: StorageType
    /// The encoded UUID (with optional prefix), the inline bitmap, or the absolute path.
    public var pathOrInlineDv: String
    /// Byte offset of the bitmap in its file (absent for inline vectors).
    public var offset: Int32?
    /// Size in bytes of the serialized bitmap.
    public var sizeInBytes: Int32
    /// How many rows are deleted.
    public var cardinality: Int64
    /// The highest deleted row index, when recorded.
    public var maxRowIndex: Int64?

    /// Creates a descriptor.
    public init(storageType: StorageType, pathOrInlineDv: String, offset: Int32? = nil,
                sizeInBytes: Int32, cardinality: Int64, maxRowIndex: Int64? = nil) {
        self.storageType = storageType
        self.pathOrInlineDv = pathOrInlineDv
        self.offset = offset
        self.sizeInBytes = sizeInBytes
        self.cardinality = cardinality
        self.maxRowIndex = maxRowIndex
    }

    /// A `u` descriptor: the vector at `offset` of the file `[prefix/]deletion_vector_<uuid>.bin`
    /// under the table root; `pathOrInlineDv` is `prefix` followed by the Z85-encoded UUID.
    public static func onDisk(uuid: UUID, prefix: String = "", offset: Int32, sizeInBytes: Int32,
                              cardinality: Int64) -> DeletionVectorDescriptor {
        let u = uuid.uuid
        let bytes = [u.0, u.1, u.2, u.3, u.4, u.5, u.6, u.7, u.8, u.9, u.10, u.11, u.12, u.13, u.14, u.15]
        return DeletionVectorDescriptor(storageType: .uuidRelative, pathOrInlineDv: prefix + Z85.encode(bytes),
                                        offset: offset, sizeInBytes: sizeInBytes, cardinality: cardinality)
    }

    /// An `i` descriptor holding the vector of `rows` in the log itself (for tiny vectors): the
    /// ``RoaringBitmapArray`` bitmap, zero-padded to a multiple of 4 bytes and Z85-encoded;
    /// `sizeInBytes` is the unpadded size.
    public static func inline(rows: [UInt64]) -> DeletionVectorDescriptor {
        let bitmap = RoaringBitmapArray.serialize(rows)
        let padded = bitmap + [UInt8](repeating: 0, count: (4 - bitmap.count % 4) % 4)
        return DeletionVectorDescriptor(storageType: .inline, pathOrInlineDv: Z85.encode(padded),
                                        sizeInBytes: Int32(bitmap.count), cardinality: Int64(Set(rows).count))
    }

    /// Decodes a `deletionVector` object of an `add` or `remove` action.
    public init(json: JSONValue) throws {
        let f = try Fields("deletionVector", json)
        let type = try f.string("storageType")
        guard let storageType = StorageType(rawValue: type) else {
            throw DeltaError(.corruptLog, "deletion vector storageType '\(type)' is not one of u, i, p")
        }
        self.storageType = storageType
        pathOrInlineDv = try f.string("pathOrInlineDv")
        offset = f.optionalInt64("offset").map { Int32(truncatingIfNeeded: $0) }
        sizeInBytes = Int32(truncatingIfNeeded: try f.int64("sizeInBytes"))
        cardinality = try f.int64("cardinality")
        maxRowIndex = f.optionalInt64("maxRowIndex")
    }

    /// Identifies the deletion vector within the table: storage type, path or inline data,
    /// and `@offset` when there is one. Part of a data file's identity in log replay.
    public var uniqueId: String {
        let base = storageType.rawValue + pathOrInlineDv
        if let offset { return base + "@" + String(offset) }
        return base
    }

    /// For `u` vectors: the UUID decoded from the last 20 characters.
    public func uuid() throws -> UUID {
        guard storageType == .uuidRelative else {
            throw DeltaError(.invalidArgument, "only 'u' deletion vectors are named by a UUID, this one is '\(storageType.rawValue)'")
        }
        guard pathOrInlineDv.count >= 20 else {
            throw DeltaError(.corruptLog, "deletion vector '\(pathOrInlineDv)' is shorter than a z85-encoded UUID (20 characters)")
        }
        let encoded = String(pathOrInlineDv.suffix(20))
        let bytes = try Z85.decode(encoded)
        let t: uuid_t = (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                         bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15])
        return UUID(uuid: t)
    }

    /// The deletion vector file's location: for `u`, relative to the table root
    /// (`[prefix/]deletion_vector_<uuid>.bin`); for `p`, the absolute path/URI as stored.
    /// `nil` for inline vectors, which have no file.
    public func filePath() throws -> String? {
        switch storageType {
        case .inline:
            return nil
        case .absolutePath:
            return pathOrInlineDv
        case .uuidRelative:
            let prefix = String(pathOrInlineDv.dropLast(20))
            let name = "deletion_vector_\(try uuid().uuidString.lowercased()).bin"
            return prefix.isEmpty ? name : prefix + "/" + name
        }
    }

    /// The absolute location of the deletion vector file for a table at `tableRoot`
    /// (a path or URL without trailing `/`); `nil` for inline vectors.
    public func absolutePath(tableRoot: String) throws -> String? {
        guard let path = try filePath() else { return nil }
        if storageType == .absolutePath { return path }
        return tableRoot.hasSuffix("/") ? tableRoot + path : tableRoot + "/" + path
    }

    /// For inline vectors: the serialized bitmap bytes.
    public func inlineBytes() throws -> [UInt8]? {
        guard storageType == .inline else { return nil }
        return try Z85.decode(pathOrInlineDv)
    }
}

/// Z85 (ZeroMQ's Base85 variant), which Delta uses to encode deletion vector UUIDs and
/// inline bitmaps: each 5 characters carry 4 bytes, big-endian.
public enum Z85 {
    static let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#".utf8)
    static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
        return table
    }()

    /// Decodes Z85 text (length a multiple of 5) to bytes.
    public static func decode(_ text: String) throws -> [UInt8] {
        let chars = Array(text.utf8)
        guard chars.count % 5 == 0 else {
            throw DeltaError(.corruptLog, "z85 text must be a multiple of 5 characters long, '\(text.prefix(40))' has \(chars.count)")
        }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 5 * 4)
        var i = 0
        while i < chars.count {
            var value: UInt64 = 0
            for j in 0..<5 {
                let d = decodeTable[Int(chars[i + j])]
                guard d != 0xFF else {
                    throw DeltaError(.corruptLog, "'\(Character(Unicode.Scalar(chars[i + j])))' is not a z85 character")
                }
                value = value * 85 + UInt64(d)
            }
            guard value <= UInt64(UInt32.max) else { throw DeltaError(.corruptLog, "z85 group out of range") }
            out.append(UInt8((value >> 24) & 0xFF))
            out.append(UInt8((value >> 16) & 0xFF))
            out.append(UInt8((value >> 8) & 0xFF))
            out.append(UInt8(value & 0xFF))
            i += 5
        }
        return out
    }

    /// Encodes bytes (count a multiple of 4) as Z85 text.
    public static func encode(_ bytes: [UInt8]) -> String {
        precondition(bytes.count % 4 == 0, "z85 encodes groups of 4 bytes")
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count / 4 * 5)
        var i = 0
        while i < bytes.count {
            var value = UInt64(bytes[i]) << 24 | UInt64(bytes[i + 1]) << 16 | UInt64(bytes[i + 2]) << 8 | UInt64(bytes[i + 3])
            var group = [UInt8](repeating: 0, count: 5)
            for j in stride(from: 4, through: 0, by: -1) {
                group[j] = alphabet[Int(value % 85)]
                value /= 85
            }
            out.append(contentsOf: group)
            i += 4
        }
        return String(decoding: out, as: UTF8.self)
    }
}
