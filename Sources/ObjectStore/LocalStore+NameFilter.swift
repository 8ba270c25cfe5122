extension LocalStore {
    /// The `prefix` and `startAfter` rules of ``LocalStore/list(prefix:startAfter:)`` for the
    /// files of one directory, decided on a name's bytes: an entry's path is `base + name`.
    ///
    /// It only rules entries out early; an admitted entry is still checked on its `String`
    /// path, so a filter that admits too much costs time, never a wrong answer. The prefix
    /// rule is `String`'s `hasPrefix` (Unicode canonical equivalence), which equals a byte
    /// comparison only for ASCII: it is decided here only when the base, the prefix and the
    /// name are ASCII. `startAfter` compares bytes, as `list` does.
    struct NameFilter {
        /// The part of the prefix that a name must start with, or `nil` when no name in this
        /// directory can have the prefix.
        private let namePrefix: [UInt8]?
        /// What a name must sort after: `.all` when every name does, `.none` when none does.
        private let after: After

        private enum After {
            case all, none
            case name([UInt8])
        }

        init(base: [UInt8], prefix: [UInt8], startAfter: [UInt8]?) {
            // `base + name` starts with `prefix`: when the prefix is longer than the base it
            // must extend it; when shorter, the base must start with it.
            if !(base + prefix).allSatisfy({ $0 < 0x80 }) {
                namePrefix = []  // decided by the String check
            } else if prefix.count >= base.count {
                namePrefix = prefix.starts(with: base) ? Array(prefix[base.count...]) : nil
            } else {
                namePrefix = base.starts(with: prefix) ? [] : nil
            }
            guard let startAfter else {
                after = .all
                return
            }
            // `base + name` sorts after `startAfter`, byte by byte.
            let common = min(base.count, startAfter.count)
            if let i = (0..<common).first(where: { base[$0] != startAfter[$0] }) {
                after = base[i] > startAfter[i] ? .all : .none
            } else if startAfter.count <= base.count {
                // startAfter is a prefix of the base; every entry has a name, so is longer.
                after = .all
            } else {
                after = .name(Array(startAfter[base.count...]))
            }
        }

        /// Whether a file named `name` (its bytes) can be listed.
        func admitsFile(named name: UnsafeRawBufferPointer) -> Bool {
            if !name.allSatisfy({ $0 < 0x80 }) {
                // Only startAfter is decided on the bytes.
            } else if let namePrefix {
                if !name.starts(with: namePrefix) { return false }
            } else {
                return false
            }
            switch after {
            case .all: return true
            case .none: return false
            case .name(let bound): return bound.lexicographicallyPrecedes(name)
            }
        }
    }
}
