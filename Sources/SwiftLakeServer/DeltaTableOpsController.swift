import Hummingbird
import SwiftLake

/// The Delta table operations that reorganise or describe a table rather than change its
/// rows: `POST /api/delta/optimize` (compaction), `/api/delta/convert` (Parquet directory →
/// Delta), `/api/delta/constraints` (add a CHECK constraint),
/// `/api/delta/constraints/drop`, and `/api/delta/constraint` (either, by `action`: the name
/// the Delta-writing issue gives, beside the CLI's `swiftlake delta constraint add|drop`).
struct DeltaTableOpsController: Sendable {
    let lakehouse: Lakehouse
    let maxBodyBytes: Int

    /// The body of `constraints`.
    struct AddConstraintRequest: Decodable, Sendable {
        var path: String
        var name: String
        var expression: String
    }

    /// The body of `constraints/drop`.
    struct DropConstraintRequest: Decodable, Sendable {
        var path: String
        var name: String
        var ifExists: Bool?

        enum CodingKeys: String, CodingKey { case path, name, ifExists = "if_exists" }
    }

    /// The body of `constraint`: `action` `add` (the default, with `expression`) or `drop`.
    struct ConstraintRequest: Decodable, Sendable {
        enum Action: String, Decodable, Sendable { case add, drop }
        var path: String
        var action: Action?
        var name: String
        var expression: String?
        var ifExists: Bool?

        enum CodingKeys: String, CodingKey { case path, action, name, expression, ifExists = "if_exists" }
    }

    var routes: [Route] {
        [
            Route(.post, "/api/delta/optimize") { try await optimize($0, context: $1) },
            Route(.post, "/api/delta/convert") { try await convert($0, context: $1) },
            Route(.post, "/api/delta/constraints") { try await addConstraint($0, context: $1) },
            Route(.post, "/api/delta/constraints/drop") { try await dropConstraint($0, context: $1) },
            Route(.post, "/api/delta/constraint") { try await constraint($0, context: $1) },
        ]
    }

    /// Compacts small files per partition into files of about `target_size` bytes.
    func optimize(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(DeltaOptimizeRequest.self, maxBytes: maxBodyBytes)
        return try Response.json(try await lakehouse.deltaOptimize(body))
    }

    /// Makes a directory of Parquet files a Delta table in place.
    func convert(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(DeltaConvertRequest.self, maxBytes: maxBodyBytes)
        return try Response.json(try await lakehouse.deltaConvert(body))
    }

    /// Adds a CHECK constraint every existing row satisfies.
    func addConstraint(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(AddConstraintRequest.self, maxBytes: maxBodyBytes)
        return try Response.json(try await lakehouse.deltaAddConstraint(path: body.path, name: body.name, expression: body.expression))
    }

    /// Drops a CHECK constraint.
    func dropConstraint(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(DropConstraintRequest.self, maxBytes: maxBodyBytes)
        return try Response.json(try await lakehouse.deltaDropConstraint(path: body.path, name: body.name, ifExists: body.ifExists ?? false))
    }

    /// Adds (`action` `add`, the default) or drops (`drop`) a CHECK constraint.
    func constraint(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(ConstraintRequest.self, maxBytes: maxBodyBytes)
        switch body.action ?? .add {
        case .add:
            guard let expression = body.expression else {
                throw SwiftLakeError(.invalidRequest, code: "missing_expression",
                    "Adding a constraint needs 'expression', a SQL predicate every row must satisfy (e.g. \"amount > 0\"); to drop one, give \"action\": \"drop\".")
            }
            if body.ifExists != nil {
                throw SwiftLakeError(.invalidRequest, code: "invalid_field", "'if_exists' belongs to \"action\": \"drop\".")
            }
            return try Response.json(try await lakehouse.deltaAddConstraint(path: body.path, name: body.name, expression: expression))
        case .drop:
            if body.expression != nil {
                throw SwiftLakeError(.invalidRequest, code: "invalid_field", "'expression' belongs to \"action\": \"add\"; a drop names the constraint only.")
            }
            return try Response.json(try await lakehouse.deltaDropConstraint(path: body.path, name: body.name, ifExists: body.ifExists ?? false))
        }
    }
}
