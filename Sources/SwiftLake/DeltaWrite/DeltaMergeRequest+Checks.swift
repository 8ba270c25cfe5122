import Foundation

extension DeltaMergeRequest {
    /// The source and target aliases (`s` and `t` unless given), after the checks every
    /// merge makes first, on either engine: each alias a plain SQL name, the two different,
    /// and a join condition in `on`.
    func checkedAliases() throws -> (source: String, target: String) {
        let source = sourceAlias ?? "s", target = targetAlias ?? "t"
        for alias in [source, target] where alias.range(of: #"^[A-Za-z_][A-Za-z0-9_]*$"#, options: .regularExpression) == nil {
            throw SwiftLakeError.invalid("invalid_alias", "The alias '\(alias)' must be a plain SQL name (letters, digits, _).")
        }
        guard source.lowercased() != target.lowercased() else {
            throw SwiftLakeError.invalid("invalid_alias", "'source_alias' and 'target_alias' must differ; both are '\(source)'.")
        }
        guard !on.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw SwiftLakeError.invalid("missing_on", "Give the join condition in 'on', e.g. \"\(target).id = \(source).id\".")
        }
        return (source, target)
    }
}
