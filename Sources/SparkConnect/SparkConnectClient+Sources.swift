import Foundation

/// A named input of a Spark SQL query: files the server reads as one relation, visible to
/// the query under ``name`` for that query only (no session-wide temporary view, so
/// concurrent queries of one session cannot see each other's inputs).
public struct SparkFileSource: Sendable, Hashable {
    /// The name the query refers to, e.g. `t`.
    public var name: String
    /// The files (or directories) to read, as the server sees them.
    public var paths: [String]
    /// The data source format: `parquet` by default.
    public var format: String
    /// The schema to read with, as a Spark DDL string (`id BIGINT, name STRING`); the server
    /// infers it from the files when `nil`. Columns missing from a file read as nulls.
    public var schema: String?
    /// Data source options (`mergeSchema`, `basePath`, …).
    public var options: [String: String]
    /// Columns computed over the files' rows before the source is named, appended to the
    /// files' columns: what only the file read itself can see, such as Spark's hidden
    /// `_metadata.row_index` (a row's position in its file), which a view does not expose.
    public var computedColumns: [ComputedColumn]

    /// A column computed from each row read (``computedColumns``).
    public struct ComputedColumn: Sendable, Hashable {
        /// The column's name.
        public var name: String
        /// A Spark SQL expression over the file's columns and metadata, e.g. `_metadata.row_index`.
        public var expression: String

        public init(name: String, expression: String) {
            self.name = name
            self.expression = expression
        }
    }

    /// A source named `name` over `paths`.
    public init(name: String, paths: [String], format: String = "parquet", schema: String? = nil, options: [String: String] = [:],
                computedColumns: [ComputedColumn] = []) {
        self.name = name
        self.paths = paths
        self.format = format
        self.schema = schema
        self.options = options
        self.computedColumns = computedColumns
    }
}

/// How a write treats data already at its destination (Spark's `SaveMode`).
public enum SparkSaveMode: Sendable {
    case append, overwrite, errorIfExists, ignore
}

extension SparkConnectClient {
    /// Runs `query` with `sources` visible to it by name, streaming the result as ``sql(_:tags:)``
    /// does. The sources reach the server inside the plan (Spark Connect's `WithRelations`,
    /// each a `SubqueryAlias` over a `Read`), as PySpark's `spark.sql("… {df}", df=df)` sends them.
    public func sql(_ query: String, sources: [SparkFileSource], tags: [String] = []) -> SparkQueryResult {
        var plan = Spark_Connect_Plan()
        plan.root = Self.relation(query, sources: sources)
        return execute(plan, tags: tags)
    }

    /// The schema of `query`'s result with `sources` visible to it, computed without running it.
    public func schema(of query: String, sources: [SparkFileSource]) async throws -> SparkDataType {
        var request = Spark_Connect_AnalyzePlanRequest()
        request.sessionID = sessionID
        request.userContext = userContext
        request.clientType = clientType
        var plan = Spark_Connect_Plan()
        plan.root = Self.relation(query, sources: sources)
        request.schema.plan = plan
        let response = try await mappingErrors {
            try await service.analyzePlan(request: self.request(request), options: callOptions)
        }
        return SparkDataType(proto: response.schema.schema)
    }

    /// Writes the result of `query` (with `sources` visible to it) as files of `format` into
    /// `directory` on the server's file system, one subdirectory per value of
    /// `partitionBy` (Hive style, `col=value`), and waits until the write has finished.
    public func write(_ query: String, sources: [SparkFileSource], to directory: String, format: String = "parquet",
                      partitionBy: [String] = [], mode: SparkSaveMode = .errorIfExists,
                      options: [String: String] = [:], tags: [String] = []) async throws {
        var write = Spark_Connect_WriteOperation()
        write.input = Self.relation(query, sources: sources)
        write.source = format
        write.path = directory
        write.partitioningColumns = partitionBy
        write.options = options
        switch mode {
        case .append: write.mode = .append
        case .overwrite: write.mode = .overwrite
        case .errorIfExists: write.mode = .errorIfExists
        case .ignore: write.mode = .ignore
        }
        var plan = Spark_Connect_Plan()
        plan.command.writeOperation = write
        for try await _ in execute(plan, tags: tags) {}
    }

    /// `input` with every column (`*`) and the computed columns after them.
    static func projecting(_ columns: [SparkFileSource.ComputedColumn], over input: Spark_Connect_Relation) -> Spark_Connect_Relation {
        var star = Spark_Connect_Expression()
        star.unresolvedStar = Spark_Connect_Expression.UnresolvedStar()
        var expressions = [star]
        for column in columns {
            var value = Spark_Connect_Expression()
            value.expressionString.expression = column.expression
            var named = Spark_Connect_Expression()
            named.alias.expr = value
            named.alias.name = [column.name]
            expressions.append(named)
        }
        var project = Spark_Connect_Relation()
        project.project.input = input
        project.project.expressions = expressions
        return project
    }

    /// `query` as a relation, with each source as a named reference when there are any.
    static func relation(_ query: String, sources: [SparkFileSource]) -> Spark_Connect_Relation {
        var sql = Spark_Connect_Relation()
        sql.sql.query = query
        guard !sources.isEmpty else { return sql }
        var with = Spark_Connect_WithRelations()
        with.root = sql
        with.references = sources.map { source in
            var read = Spark_Connect_Relation()
            read.read.dataSource.format = source.format
            read.read.dataSource.paths = source.paths
            if let schema = source.schema { read.read.dataSource.schema = schema }
            read.read.dataSource.options = source.options
            var alias = Spark_Connect_Relation()
            alias.subqueryAlias.alias = source.name
            alias.subqueryAlias.input = source.computedColumns.isEmpty ? read : Self.projecting(source.computedColumns, over: read)
            return alias
        }
        var relation = Spark_Connect_Relation()
        relation.withRelations = with
        return relation
    }
}
