extension DXClient {
  /// What every generated wrapper does: a POST of `input` to `path`, with the nonce added (once, before
  /// the retry loop, so every retry sends the same one) when the route takes one.
  func callAPI(
    _ path: String, input: DXJSON, alwaysRetry: Bool, nonce: Bool, options: DXRequestOptions
  ) async throws -> DXResponse {
    let body = nonce ? try DXNonce.updated(input, random: random, clock: clock) : input
    return try await request(
      .route(path), data: .json(body), method: "POST", headers: options.headers, auth: options.auth,
      timeout: options.timeout, jsonifyData: true, wantFullResponse: options.wantFullResponse,
      decodeResponseBody: options.decodeResponseBody, prependServer: true, maxRetries: options.maxRetries,
      alwaysRetry: alwaysRetry)
  }

  /// `"/" + nameOrID + ("/" + alias if alias) + "/" + method`, as dxpy's app and global-workflow
  /// wrappers form it (an empty alias counts as none, as Python's truthiness does).
  static func aliasPath(_ nameOrID: String, _ alias: String?, _ method: String) -> String {
    if let alias, !alias.isEmpty { return "/\(nameOrID)/\(alias)/\(method)" }
    return "/\(nameOrID)/\(method)"
  }
}
