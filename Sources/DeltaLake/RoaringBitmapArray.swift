/// Delta's serialized deletion vector bitmap, the `RoaringBitmapArray` of PROTOCOL.md
/// ("Deletion Vector Format"): the magic number 1681511377, a 64-bit count of 32-bit
/// bitmaps, then per bitmap its high 32 bits (the bucket key) and a standard portable
/// RoaringBitmap of the low 32 bits, all little-endian (the layout of CRoaring's
/// 64-bit portable serialization, behind the magic number).
///
/// Each 65,536-value container is written as whichever of an array (up to 4,096 values),
/// a bitmap (more) or a run container is smallest, as Roaring's `runOptimize` does.
/// ``DeletionVector/decodeRoaringBitmapArray(_:)`` reads what this writes.
public enum RoaringBitmapArray {
    /// The magic number that starts every serialized deletion vector bitmap.
    public static let magic: UInt32 = 1_681_511_377

    /// Serializes row indexes (any order, duplicates ignored).
    public static func serialize(_ rows: [UInt64]) -> [UInt8] {
        let sorted = Set(rows).sorted()
        var out: [UInt8] = []
        append32(&out, magic)
        var buckets: [(key: UInt32, low: [UInt32])] = []
        for row in sorted {
            let key = UInt32(truncatingIfNeeded: row >> 32), low = UInt32(truncatingIfNeeded: row)
            if buckets.last?.key == key { buckets[buckets.count - 1].low.append(low) } else { buckets.append((key, [low])) }
        }
        append64(&out, UInt64(buckets.count))
        for bucket in buckets {
            append32(&out, bucket.key)
            out += portable(bucket.low)
        }
        return out
    }

    /// One container of a 32-bit bitmap: its high 16 bits and sorted low 16 bits.
    struct Container {
        var key: UInt16
        var values: [UInt16]

        /// Runs of consecutive values as (start, length - 1).
        var runs: [(UInt16, UInt16)] {
            var runs: [(UInt16, UInt16)] = []
            for v in values {
                if let last = runs.last, UInt32(last.0) + UInt32(last.1) + 1 == UInt32(v) {
                    runs[runs.count - 1].1 += 1
                } else {
                    runs.append((v, 0))
                }
            }
            return runs
        }
        /// Bytes as an array (≤ 4,096 values) or bitmap container.
        var plainSize: Int { values.count <= 4096 ? 2 * values.count : 8192 }
        var usesRuns: Bool { 2 + 4 * runs.count < plainSize }
    }

    /// The portable serialization of one 32-bit RoaringBitmap (sorted, distinct values).
    static func portable(_ values: [UInt32]) -> [UInt8] {
        var containers: [Container] = []
        for v in values {
            let key = UInt16(v >> 16), low = UInt16(truncatingIfNeeded: v)
            if containers.last?.key == key { containers[containers.count - 1].values.append(low) } else { containers.append(Container(key: key, values: [low])) }
        }
        let runFlags = containers.map(\.usesRuns)
        let hasRuns = runFlags.contains(true)
        var header: [UInt8] = []
        if hasRuns {
            append32(&header, 12347 | UInt32(containers.count - 1) << 16)
            var flags = [UInt8](repeating: 0, count: (containers.count + 7) / 8)
            for (i, run) in runFlags.enumerated() where run { flags[i / 8] |= 1 << (i % 8) }
            header += flags
        } else {
            append32(&header, 12346)
            append32(&header, UInt32(containers.count))
        }
        for c in containers {
            append16(&header, c.key)
            append16(&header, UInt16(c.values.count - 1))
        }
        var bodies: [[UInt8]] = []
        for (c, run) in zip(containers, runFlags) {
            var body: [UInt8] = []
            if run {
                let runs = c.runs
                append16(&body, UInt16(runs.count))
                for (start, lengthMinusOne) in runs { append16(&body, start); append16(&body, lengthMinusOne) }
            } else if c.values.count <= 4096 {
                body.reserveCapacity(2 * c.values.count)
                for v in c.values { append16(&body, v) }
            } else {
                var words = [UInt64](repeating: 0, count: 1024)
                for v in c.values { words[Int(v) / 64] |= 1 << (UInt64(v) % 64) }
                body.reserveCapacity(8192)
                for w in words { append64(&body, w) }
            }
            bodies.append(body)
        }
        // Byte offsets of the containers, present unless run containers exist and there are fewer than 4.
        if !hasRuns || containers.count >= 4 {
            var offset = header.count + 4 * containers.count
            for body in bodies {
                append32(&header, UInt32(offset))
                offset += body.count
            }
        }
        for body in bodies { header += body }
        return header
    }

    static func append16(_ out: inout [UInt8], _ v: UInt16) {
        out.append(UInt8(v & 0xFF)); out.append(UInt8(v >> 8))
    }
    static func append32(_ out: inout [UInt8], _ v: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8((v >> UInt32(shift)) & 0xFF)) }
    }
    static func append64(_ out: inout [UInt8], _ v: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { out.append(UInt8((v >> UInt64(shift)) & 0xFF)) }
    }
}
