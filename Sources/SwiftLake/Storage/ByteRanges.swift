/// A set of byte offsets as sorted, disjoint, non-adjacent half-open ranges: which parts of
/// an object a sparse cache file holds, or which parts a read needs.
struct ByteRanges: Sendable, Equatable, CustomStringConvertible {
    /// The ranges, sorted, none empty, none touching another.
    private(set) var ranges: [Range<Int64>] = []

    init() {}

    /// The union of `ranges` (any order, overlaps allowed, empty ones dropped).
    init<S: Sequence>(_ ranges: S) where S.Element == Range<Int64> {
        for range in ranges { insert(range) }
    }

    /// The number of bytes the set covers.
    var byteCount: Int64 { ranges.reduce(0) { $0 + ($1.upperBound - $1.lowerBound) } }

    var isEmpty: Bool { ranges.isEmpty }

    /// Adds `range`, merging it with the ranges it overlaps or touches.
    mutating func insert(_ range: Range<Int64>) {
        guard !range.isEmpty else { return }
        var merged = range
        var kept: [Range<Int64>] = []
        kept.reserveCapacity(ranges.count + 1)
        var placed = false
        for existing in ranges {
            if existing.upperBound < merged.lowerBound {
                kept.append(existing)
            } else if merged.upperBound < existing.lowerBound {
                if !placed { kept.append(merged); placed = true }
                kept.append(existing)
            } else {
                merged = min(existing.lowerBound, merged.lowerBound)..<max(existing.upperBound, merged.upperBound)
            }
        }
        if !placed { kept.append(merged) }
        ranges = kept
    }

    /// Adds every range of `other`.
    mutating func formUnion(_ other: ByteRanges) {
        for range in other.ranges { insert(range) }
    }

    /// The parts of this set that `other` does not cover.
    func subtracting(_ other: ByteRanges) -> ByteRanges {
        var result = ByteRanges()
        for range in ranges {
            var start = range.lowerBound
            for hole in other.ranges where hole.upperBound > start && hole.lowerBound < range.upperBound {
                if hole.lowerBound > start { result.ranges.append(start..<hole.lowerBound) }
                start = max(start, hole.upperBound)
                if start >= range.upperBound { break }
            }
            if start < range.upperBound { result.ranges.append(start..<range.upperBound) }
        }
        return result
    }

    /// The set with ranges closer than `gap` bytes joined into one (fewer requests for a few
    /// bytes more).
    func coalesced(gap: Int64) -> ByteRanges {
        var result = ByteRanges()
        for range in ranges {
            if let last = result.ranges.last, range.lowerBound - last.upperBound <= gap {
                result.ranges[result.ranges.count - 1] = last.lowerBound..<range.upperBound
            } else {
                result.ranges.append(range)
            }
        }
        return result
    }

    var description: String { ranges.map { "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ",") }
}
