/// Turns S3 error responses into ``ObjectStoreError``s whose messages say how to fix
/// the problem: a missing bucket, denied access, unknown keys, a wrong region (naming the
/// right one), throttling that outlasted the retries.
enum S3ErrorParser {
    /// The service error in a response: S3's `<Error><Code>…<Message>…` body when there is
    /// one, otherwise a code derived from the status (HEAD responses have no body).
    static func serviceError(status: Int, headers: [(String, String)], body: [UInt8]) -> S3ServiceError {
        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name }?.1
        }
        let document = XMLElementTree.parse(body)
        let errorElement = document.flatMap { $0.name == "Error" ? $0 : $0.child("Error") }
        let code = errorElement?.value("Code") ?? defaultCode(forStatus: status)
        let message = errorElement?.value("Message") ?? ""
        var region = header("x-amz-bucket-region") ?? errorElement?.value("Region")
        if region == nil, let endpoint = errorElement?.value("Endpoint") {
            region = regionFromEndpoint(endpoint)
        }
        return S3ServiceError(status: status, code: code, message: message,
                              requestId: header("x-amz-request-id") ?? errorElement?.value("RequestId"),
                              bucketRegion: region)
    }

    static func defaultCode(forStatus status: Int) -> String {
        switch status {
        case 301: return "PermanentRedirect"
        case 400: return "BadRequest"
        case 403: return "AccessDenied"
        case 404: return "NotFound"
        case 409: return "Conflict"
        case 412: return "PreconditionFailed"
        case 503: return "SlowDown"
        default: return "HTTP\(status)"
        }
    }

    /// `eu-west-1` from `bucket.s3.eu-west-1.amazonaws.com` or `s3-eu-west-1.amazonaws.com`.
    static func regionFromEndpoint(_ endpoint: String) -> String? {
        let labels = endpoint.split(separator: ".")
        for (index, label) in labels.enumerated() {
            if label == "s3", index + 1 < labels.count, labels[index + 1] != "amazonaws",
               !labels[index + 1].hasPrefix("dualstack") {
                return String(labels[index + 1])
            }
            if label.hasPrefix("s3-") { return String(label.dropFirst(3)) }
        }
        return nil
    }

    /// What the caller sees. `operation` names the action ("GetObject"), `bucket`, `key`
    /// and `path` say on what, `configuredRegion` and `credentialsSource` help the advice.
    static func objectStoreError(_ error: S3ServiceError, operation: String, bucket: String, key: String?,
                                 path: String?, configuredRegion: String, endpoint: String,
                                 credentialsSource: String) -> ObjectStoreError {
        let target = key.map { "s3://\(bucket)/\($0)" } ?? "s3://\(bucket)"
        let suffix = " [\(error)]"
        func make(_ code: ObjectStoreError.Code, _ message: String) -> ObjectStoreError {
            ObjectStoreError(code: code, message: message + suffix, path: path, cause: error)
        }
        if let right = error.bucketRegion, right != configuredRegion,
           ["PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraintException",
            "TemporaryRedirect", "Redirect"].contains(error.code) || (error.status == 301 || error.status == 307) {
            return make(.io, "bucket '\(bucket)' is in region \(right), but requests are signed for \(configuredRegion); "
                + "set AWS_REGION=\(right) (or S3Configuration.region)")
        }
        switch error.code {
        case "NoSuchBucket":
            return make(.notFound, "bucket '\(bucket)' does not exist at \(endpoint); create it or fix the bucket name in the s3:// URL")
        case "NoSuchKey", "NotFound":
            if key == nil {
                return make(.notFound, "bucket '\(bucket)' was not found at \(endpoint); create it or fix the bucket name in the s3:// URL")
            }
            return make(.notFound, "no object at '\(path ?? key ?? "")' (\(target))")
        case "NoSuchUpload":
            return make(.notFound, "the multipart upload for \(target) no longer exists (aborted or completed elsewhere); upload the file again")
        case "AccessDenied", "AllAccessDisabled", "AccountProblem":
            return make(.permissionDenied, "\(operation) on \(target) was denied for the credentials from \(credentialsSource); "
                + "grant s3:\(operation) on the bucket or prefix in the IAM policy, or use other credentials")
        case "InvalidAccessKeyId":
            return make(.permissionDenied, "S3 does not know the access key id from \(credentialsSource); "
                + "check AWS_ACCESS_KEY_ID or the profile's aws_access_key_id (and that the endpoint \(endpoint) is the right one)")
        case "SignatureDoesNotMatch":
            return make(.permissionDenied, "S3 rejected the request signature: the secret access key from \(credentialsSource) "
                + "does not belong to its key id, or the clock is wrong; check AWS_SECRET_ACCESS_KEY / aws_secret_access_key")
        case "ExpiredToken", "TokenRefreshRequired", "InvalidToken":
            return make(.permissionDenied, "the session token from \(credentialsSource) has expired or is invalid; "
                + "refresh the temporary credentials (AWS_SESSION_TOKEN / aws_session_token)")
        case "RequestTimeTooSkewed":
            return make(.permissionDenied, "this machine's clock is too far from S3's; synchronise it (NTP) and try again")
        case "PreconditionFailed":
            return make(.io, "a condition on \(operation) for \(target) did not hold")
        case "EntityTooSmall":
            return make(.io, "S3 refused a multipart part smaller than 5 MiB for \(target); raise multipartPartSize")
        case "SlowDown", "Throttling", "ThrottlingException", "ServiceUnavailable":
            return make(.io, "S3 kept throttling \(operation) on \(target) after every retry; "
                + "lower the request rate or raise S3RetryPolicy.maxAttempts")
        default:
            if error.status >= 500 {
                return make(.io, "S3 failed \(operation) on \(target) with a server error after every retry; try again later")
            }
            if error.status == 403 {
                return make(.permissionDenied, "\(operation) on \(target) was refused (403) for the credentials from \(credentialsSource)")
            }
            return make(.io, "\(operation) on \(target) failed")
        }
    }
}
