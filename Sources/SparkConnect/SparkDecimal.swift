/// A `DECIMAL(precision, scale)` value: `unscaled × 10^-scale`, exact.
public struct SparkDecimal: Sendable, Hashable, CustomStringConvertible {
    public var unscaled: Int128
    public var precision: Int
    public var scale: Int

    public init(unscaled: Int128, precision: Int, scale: Int) {
        self.unscaled = unscaled
        self.precision = precision
        self.scale = scale
    }

    /// Plain decimal notation with exactly `scale` fraction digits: `1.50`, `-0.01`, `42`.
    public var description: String {
        let negative = unscaled < 0
        var digits = String(unscaled.magnitude)
        if scale > 0 {
            if digits.count <= scale {
                digits = String(repeating: "0", count: scale - digits.count + 1) + digits
            }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale))
        } else if scale < 0, unscaled != 0 {
            digits += String(repeating: "0", count: -scale)
        }
        return (negative ? "-" : "") + digits
    }

    /// The nearest `Double` (inexact for more than about 15 significant digits).
    public var doubleValue: Double {
        Double(unscaled) / pow10(scale)
    }
}

private func pow10(_ exponent: Int) -> Double {
    var result = 1.0
    for _ in 0..<abs(exponent) { result *= 10 }
    return exponent >= 0 ? result : 1 / result
}
