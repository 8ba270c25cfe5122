/// A minimal XML element tree for S3's response bodies (list results, errors,
/// multipart and delete results).
///
/// S3 answers in plain, well-formed XML: elements, text, the five predefined entities
/// and numeric character references. This reader handles exactly that (attributes,
/// comments, processing instructions and CDATA are accepted and ignored or kept as
/// text), so the module needs no XML library and parses the same on every platform.
struct XMLElementTree: Sendable, Equatable {
    /// The element's local name (any `prefix:` is dropped).
    var name: String
    /// The element's text content (concatenated text nodes, entities decoded).
    var text: String = ""
    /// Child elements, in document order.
    var children: [XMLElementTree] = []

    /// The first child named `name`.
    func child(_ name: String) -> XMLElementTree? { children.first { $0.name == name } }

    /// Every child named `name`.
    func children(_ name: String) -> [XMLElementTree] { children.filter { $0.name == name } }

    /// The text of the first child named `name`.
    func value(_ name: String) -> String? { child(name)?.text }

    /// Parses `bytes` as a document and returns its root element, or `nil` when the bytes
    /// are not a well-formed document of this simple kind.
    static func parse(_ bytes: [UInt8]) -> XMLElementTree? {
        var reader = XMLReader(bytes: bytes)
        return reader.document()
    }
}

/// The scanner behind ``XMLElementTree/parse(_:)``.
private struct XMLReader {
    let bytes: [UInt8]
    var index = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func document() -> XMLElementTree? {
        var stack: [XMLElementTree] = []
        var root: XMLElementTree?
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "<") {
                if starts(with: "<?") { guard skip(past: "?>") else { return nil }; continue }
                if starts(with: "<!--") { guard skip(past: "-->") else { return nil }; continue }
                if starts(with: "<![CDATA[") {
                    index += 9
                    let start = index
                    guard skip(past: "]]>") else { return nil }
                    if !stack.isEmpty {
                        stack[stack.count - 1].text += String(decoding: bytes[start..<(index - 3)], as: UTF8.self)
                    }
                    continue
                }
                if starts(with: "<!") { guard skip(past: ">") else { return nil }; continue }
                guard let tag = readTag() else { return nil }
                switch tag {
                case .open(let name, let selfClosing):
                    let element = XMLElementTree(name: name)
                    if selfClosing {
                        if stack.isEmpty { root = element } else { stack[stack.count - 1].children.append(element) }
                    } else {
                        stack.append(element)
                    }
                case .close(let name):
                    guard let element = stack.popLast(), element.name == name else { return nil }
                    if stack.isEmpty { root = element } else { stack[stack.count - 1].children.append(element) }
                }
            } else {
                let start = index
                while index < bytes.count && bytes[index] != UInt8(ascii: "<") { index += 1 }
                if !stack.isEmpty {
                    stack[stack.count - 1].text += Self.decodeEntities(bytes[start..<index])
                }
            }
        }
        return stack.isEmpty ? root : nil
    }

    private enum Tag { case open(String, selfClosing: Bool), close(String) }

    private mutating func readTag() -> Tag? {
        index += 1  // "<"
        let closing = index < bytes.count && bytes[index] == UInt8(ascii: "/")
        if closing { index += 1 }
        let nameStart = index
        while index < bytes.count, !Self.endsName(bytes[index]) { index += 1 }
        var name = String(decoding: bytes[nameStart..<index], as: UTF8.self)
        if let colon = name.lastIndex(of: ":") { name = String(name[name.index(after: colon)...]) }
        // Skip attributes, honouring quotes so a '>' inside a value does not end the tag.
        var quote: UInt8? = nil
        while index < bytes.count {
            let byte = bytes[index]
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: ">") {
                break
            }
            index += 1
        }
        guard index < bytes.count, !name.isEmpty else { return nil }
        let selfClosing = bytes[index - 1] == UInt8(ascii: "/")
        index += 1  // ">"
        return closing ? .close(name) : .open(name, selfClosing: selfClosing)
    }

    private static func endsName(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/")
            || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
    }

    private func starts(with literal: String) -> Bool {
        let utf8 = Array(literal.utf8)
        return index + utf8.count <= bytes.count && Array(bytes[index..<(index + utf8.count)]) == utf8
    }

    private mutating func skip(past literal: String) -> Bool {
        while index < bytes.count {
            if starts(with: literal) { index += literal.utf8.count; return true }
            index += 1
        }
        return false
    }

    static func decodeEntities(_ slice: ArraySlice<UInt8>) -> String {
        guard slice.contains(UInt8(ascii: "&")) else { return String(decoding: slice, as: UTF8.self) }
        let text = String(decoding: slice, as: UTF8.self)
        var result = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            result += rest[..<amp]
            guard let semicolon = rest[amp...].firstIndex(of: ";") else { break }
            let entity = rest[rest.index(after: amp)..<semicolon]
            switch entity {
            case "amp": result += "&"
            case "lt": result += "<"
            case "gt": result += ">"
            case "quot": result += "\""
            case "apos": result += "'"
            default:
                var scalar: Unicode.Scalar?
                if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                    scalar = UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
                } else if entity.hasPrefix("#") {
                    scalar = UInt32(entity.dropFirst(1)).flatMap(Unicode.Scalar.init)
                }
                if let scalar { result.unicodeScalars.append(scalar) } else { result += "&\(entity);" }
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        return result + rest
    }

}

extension XMLElementTree {
    /// `text` escaped for XML element content (`&`, `<`, `>` and quotes).
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            default: result.append(character)
            }
        }
        return result
    }
}
