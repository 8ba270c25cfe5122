import Foundation
import SwiftLake

extension SwiftLakeError {
    /// The message, with the REST API's request-field names (`"overwrite": true`,
    /// `'delete_where'`) replaced by the CLI's flags (`--overwrite`, `--delete-where`), so the
    /// hint on how to fix the problem is one a CLI user can follow.
    var cliMessage: String {
        var text = message
        for (field, flag) in Self.fieldFlags {
            text = text.replacingOccurrences(of: field, with: flag)
        }
        return text
    }

    /// Request-field spellings in core messages and the CLI equivalents, most specific first.
    static let fieldFlags: [(String, String)] = [
        ("set \"overwrite\": true", "pass --overwrite"),
        ("\"overwrite\": true", "--overwrite"),
        ("Give 'output' (a new file)", "Give --output (a new file)"),
        ("Choose another output", "Choose another --output"),
        ("start the server with another --root", "pass another --root"),
        ("in 'paths'", "as PATH arguments"),
        ("through 'paths'", "as PATH arguments"),
        ("'output'", "--output"),
        ("'updates'", "--set"),
        ("'delete_where'", "--delete-where"),
        ("'add_columns'", "--add"),
        ("'drop_columns'", "--drop"),
        ("'rename'", "--rename"),
        ("'predicate'", "--where"),
        ("'dedupe_on'", "--dedupe-on"),
        ("'order_by'", "--order-by"),
        ("'partition_by'", "--partition-by"),
        ("'row_group_size'", "--row-group-size"),
        ("'compression'", "--compression"),
        ("'limit'", "--limit"),
        ("'sql'", "--sql"),
        ("'columns'", "--columns"),
        ("'filter'", "--filter"),
    ]
}
