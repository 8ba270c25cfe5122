import ArgumentParser
import Foundation

/// Parsing of repeatable `NAME=VALUE` flags (`--set price=price * 1.1`, `--rename a=b`).
enum Assignments {
    /// `["price": "price * 1.1"]` from `["price=price * 1.1"]`; the name ends at the first `=`
    /// (so the value may itself contain `=`). Each name may appear once.
    static func parse(_ items: [String], flag: String, valueName: String = "EXPR") throws -> [String: String] {
        var result: [String: String] = [:]
        for item in items {
            guard let equals = item.firstIndex(of: "=") else {
                throw ValidationError("\(flag) takes NAME=\(valueName); got '\(item)'.")
            }
            let name = item[..<equals].trimmingCharacters(in: .whitespaces)
            let value = item[item.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { throw ValidationError("\(flag) '\(item)' has no column name before '='.") }
            guard !value.isEmpty else { throw ValidationError("\(flag) '\(item)' has nothing after '='.") }
            guard result[name] == nil else { throw ValidationError("\(flag) names column '\(name)' twice.") }
            result[name] = value
        }
        return result
    }
}
