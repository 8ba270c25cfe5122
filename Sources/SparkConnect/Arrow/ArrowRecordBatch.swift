/// A batch of rows in columns, decoded from an Arrow record batch: every column has
/// ``rowCount`` values. Spark Connect streams a query's result as a sequence of these.
public struct ArrowRecordBatch: Sendable {
    public let schema: ArrowSchema
    public let rowCount: Int
    /// One column per schema field, in order.
    public let columns: [ArrowColumn]

    public init(schema: ArrowSchema, rowCount: Int, columns: [ArrowColumn]) {
        self.schema = schema
        self.rowCount = rowCount
        self.columns = columns
    }

    /// The first column named `name`, or nil.
    public func column(named name: String) -> ArrowColumn? {
        columns.first { $0.field.name == name }
    }

    /// Row `index` as Swift values, one per column.
    public func row(_ index: Int) -> [SparkValue] {
        columns.map { $0[index] }
    }

    /// Every row as Swift values (convenient, slower than reading ``columns``).
    public var rows: [[SparkValue]] {
        (0..<rowCount).map(row)
    }
}
