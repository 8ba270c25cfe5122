import Hummingbird

/// The registered paths and their methods, to tell "no such path" (404) from "path exists,
/// method does not" (405 with `Allow`).
struct RouteTable: Sendable {
    private let entries: [(segments: [Substring], methods: Set<String>)]

    init(_ routes: [Route]) {
        var byPath: [String: Set<String>] = [:]
        var order: [String] = []
        for route in routes {
            if byPath[route.path] == nil { order.append(route.path) }
            byPath[route.path, default: []].insert(route.method.rawValue)
        }
        entries = order.map { (Self.segments($0), byPath[$0]!) }
    }

    /// The methods allowed on `path`, sorted; empty when no route matches the path.
    func allowedMethods(for path: String) -> [String] {
        let requested = Self.segments(path)
        var methods = Set<String>()
        for entry in entries where Self.matches(entry.segments, requested) {
            methods.formUnion(entry.methods)
        }
        return methods.sorted()
    }

    private static func segments(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    private static func matches(_ pattern: [Substring], _ path: [Substring]) -> Bool {
        guard pattern.count == path.count else { return false }
        return zip(pattern, path).allSatisfy { p, s in p == s || p.hasPrefix("{") || p.hasPrefix(":") || p == "*" }
    }
}
