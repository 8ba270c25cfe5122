/// DuckDB's storage of `BIT`: one byte holding the number of padding bits (0...7), then the bits
/// most significant first, the padding bits (set to 1) at the start of the first data byte.
enum BitString {
    /// `"0101"` from the stored bytes.
    static func text(fromStorage bytes: [UInt8]) -> String {
        guard bytes.count >= 2 else { return "" }
        let padding = Int(bytes[0])
        var text = ""
        text.reserveCapacity((bytes.count - 1) * 8)
        for (offset, byte) in bytes.dropFirst().enumerated() {
            for bit in (offset == 0 ? padding : 0)..<8 {
                text.append(byte & (0x80 >> UInt8(bit)) != 0 ? "1" : "0")
            }
        }
        return text
    }

    /// The stored bytes for `"0101"`; `nil` if the text is empty or not made of `0`s and `1`s.
    static func storage(fromText text: String) -> [UInt8]? {
        let bits = Array(text.utf8)
        guard !bits.isEmpty, bits.allSatisfy({ $0 == UInt8(ascii: "0") || $0 == UInt8(ascii: "1") }) else {
            return nil
        }
        let padding = (8 - bits.count % 8) % 8
        var data = [UInt8](repeating: 0, count: (bits.count + padding) / 8)
        for position in 0..<(padding + bits.count) {
            let isSet = position < padding || bits[position - padding] == UInt8(ascii: "1")
            if isSet { data[position / 8] |= 0x80 >> UInt8(position % 8) }
        }
        return [UInt8(padding)] + data
    }
}

/// DuckDB's storage of `BIGNUM` (formerly `VARINT`): a 3-byte header (byte count with the top bit
/// set, all bits inverted for negative numbers), then the magnitude in big-endian bytes, also
/// inverted for negative numbers.
enum Bignum {
    /// Decimal digits (with `-` for negative numbers) from the stored bytes.
    static func text(fromStorage bytes: [UInt8]) -> String {
        guard bytes.count > 3 else { return "0" }
        let negative = bytes[0] & 0x80 == 0
        let magnitude = bytes.dropFirst(3).map { negative ? ~$0 : $0 }
        let digits = decimalDigits(ofBigEndian: Array(magnitude))
        return digits == "0" || !negative ? digits : "-" + digits
    }

    /// The magnitude of `text` as big-endian bytes and its sign; `nil` if `text` is not an integer.
    static func bigEndianMagnitude(ofDecimal text: String) -> (bytes: [UInt8], negative: Bool)? {
        var digits = Substring(text)
        var negative = false
        if digits.first == "-" || digits.first == "+" {
            negative = digits.first == "-"
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return nil
        }
        var bytes: [UInt8] = [0]  // big-endian
        for digit in digits.utf8 {
            var carry = UInt32(digit - UInt8(ascii: "0"))
            for index in bytes.indices.reversed() {
                let product = UInt32(bytes[index]) * 10 + carry
                bytes[index] = UInt8(product & 0xFF)
                carry = product >> 8
            }
            while carry > 0 {
                bytes.insert(UInt8(carry & 0xFF), at: 0)
                carry >>= 8
            }
        }
        let isZero = bytes.allSatisfy { $0 == 0 }
        return (bytes, negative && !isZero)
    }

    /// Decimal digits of an unsigned big-endian integer.
    private static func decimalDigits(ofBigEndian bytes: [UInt8]) -> String {
        // Base-2^32 limbs, most significant first.
        var limbs: [UInt32] = []
        let padded = [UInt8](repeating: 0, count: (4 - bytes.count % 4) % 4) + bytes
        for start in stride(from: 0, to: padded.count, by: 4) {
            limbs.append(padded[start..<(start + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        }
        while limbs.first == 0 { limbs.removeFirst() }
        guard !limbs.isEmpty else { return "0" }
        // Repeatedly divide by 10^9, collecting nine-digit groups from the least significant end.
        var groups: [UInt32] = []
        let base: UInt64 = 1_000_000_000
        while !limbs.isEmpty {
            var remainder: UInt64 = 0
            for index in limbs.indices {
                let current = remainder << 32 | UInt64(limbs[index])
                limbs[index] = UInt32(current / base)
                remainder = current % base
            }
            groups.append(UInt32(remainder))
            while limbs.first == 0 { limbs.removeFirst() }
        }
        var text = String(groups.removeLast())
        for group in groups.reversed() {
            let part = String(group)
            text += String(repeating: "0", count: 9 - part.count) + part
        }
        return text
    }
}
