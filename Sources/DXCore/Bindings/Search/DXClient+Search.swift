extension DXClient {
  private func search<Description: DXDescription>(
    _ route: String, _ query: [String: DXJSON], limit: Int? = nil, firstPageSize: Int = 100,
    options: DXRequestOptions
  ) -> DXSearchResults<Description> {
    DXSearchResults(
      client: self, route: route, query: query, limit: limit, firstPageSize: firstPageSize, options: options)
  }

  /// Finds data objects (dxpy's `find_data_objects`), paging lazily.
  /// - Parameters:
  ///   - query: What to match.
  ///   - limit: The most results (also the first page size), or `nil` for all.
  ///   - firstPageSize: The first page size without a limit. Default 100.
  ///   - options: Headers, timeout, retries for every page.
  /// - Throws: ``DXBindingError/invalidArgument(_:)`` for a query dxpy rejects.
  public func findDataObjects(
    _ query: DXDataObjectQuery = .init(), limit: Int? = nil, firstPageSize: Int = 100,
    options: DXRequestOptions = .init()
  ) throws(DXBindingError) -> DXSearchResults<DXDataObjectDescription> {
    search(
      "/system/findDataObjects", try query.json(defaultProject: defaultProject), limit: limit,
      firstPageSize: firstPageSize, options: options)
  }

  /// Finds jobs and analyses (dxpy's `find_executions`), paging lazily.
  public func findExecutions(
    _ query: DXExecutionQuery = .init(), limit: Int? = nil, firstPageSize: Int = 100,
    options: DXRequestOptions = .init()
  ) -> DXSearchResults<DXExecutionDescription> {
    search("/system/findExecutions", query.json, limit: limit, firstPageSize: firstPageSize, options: options)
  }

  /// Finds jobs (dxpy's `find_jobs`: `find_executions` with class `job`).
  public func findJobs(
    _ query: DXExecutionQuery = .init(), limit: Int? = nil, firstPageSize: Int = 100,
    options: DXRequestOptions = .init()
  ) -> DXSearchResults<DXExecutionDescription> {
    var query = query
    query.executionClass = "job"
    return findExecutions(query, limit: limit, firstPageSize: firstPageSize, options: options)
  }

  /// Finds analyses (dxpy's `find_analyses`: `find_executions` with class `analysis`).
  public func findAnalyses(
    _ query: DXExecutionQuery = .init(), limit: Int? = nil, firstPageSize: Int = 100,
    options: DXRequestOptions = .init()
  ) -> DXSearchResults<DXExecutionDescription> {
    var query = query
    query.executionClass = "analysis"
    return findExecutions(query, limit: limit, firstPageSize: firstPageSize, options: options)
  }

  /// Finds projects (dxpy's `find_projects`), paging lazily.
  public func findProjects(
    _ query: DXProjectQuery = .init(), limit: Int? = nil, firstPageSize: Int = 100,
    options: DXRequestOptions = .init()
  ) -> DXSearchResults<DXContainerDescription> {
    search("/system/findProjects", query.json, limit: limit, firstPageSize: firstPageSize, options: options)
  }

  /// Finds apps (dxpy's `find_apps`), paging lazily.
  public func findApps(
    _ query: DXGlobalExecutableQuery = .init(), limit: Int? = nil, firstPageSize: Int = 100,
    options: DXRequestOptions = .init()
  ) -> DXSearchResults<DXRawDescription> {
    search("/system/findApps", query.json, limit: limit, firstPageSize: firstPageSize, options: options)
  }

  /// Finds global workflows (dxpy's `find_global_workflows`), paging lazily.
  public func findGlobalWorkflows(
    _ query: DXGlobalExecutableQuery = .init(), limit: Int? = nil, firstPageSize: Int = 100,
    options: DXRequestOptions = .init()
  ) -> DXSearchResults<DXRawDescription> {
    search(
      "/system/findGlobalWorkflows", query.json, limit: limit, firstPageSize: firstPageSize, options: options)
  }

  /// Finds orgs (dxpy's `find_orgs`): `query` in the API's form; first page 10.
  public func findOrgs(
    _ query: [String: DXJSON], firstPageSize: Int = 10, options: DXRequestOptions = .init()
  )
    -> DXSearchResults<DXRawDescription>
  {
    search("/system/findOrgs", query, firstPageSize: firstPageSize, options: options)
  }

  /// The members of an org (dxpy's `org_find_members`).
  public func findOrgMembers(
    _ org: String, level: String? = nil, describe: DXJSON = false, options: DXRequestOptions = .init()
  ) -> DXSearchResults<DXRawDescription> {
    var query: [String: DXJSON] = ["describe": describe]
    if let level { query["level"] = .string(level) }
    return search("/\(org)/findMembers", query, options: options)
  }

  /// The projects billed to an org (dxpy's `org_find_projects`); `query` in the API's form.
  public func findOrgProjects(
    _ org: String, query: [String: DXJSON] = [:], options: DXRequestOptions = .init()
  )
    -> DXSearchResults<DXContainerDescription>
  {
    var query = query
    if query["describe"] == nil { query["describe"] = false }
    return search("/\(org)/findProjects", query, options: options)
  }

  /// The apps an org can see (dxpy's `org_find_apps`).
  public func findOrgApps(
    _ org: String, _ query: DXGlobalExecutableQuery = .init(), options: DXRequestOptions = .init()
  ) -> DXSearchResults<DXRawDescription> {
    search("/\(org)/findApps", query.json, options: options)
  }

  /// Resolves object names to IDs in batches (dxpy's `resolve_data_objects`): one
  /// `system/resolveDataObjects` call per `batchSize` objects; the results come in the order of
  /// `objects`, each the list of matches.
  /// - Parameters:
  ///   - objects: The API's object entries (`{"name": …, "folder": …, "project": …}`).
  ///   - project: The default project of every entry.
  ///   - folder: The default folder of every entry.
  ///   - batchSize: 1 to 1000. Default 1000.
  ///   - options: Headers, timeout, retries for every batch.
  /// - Throws: ``DXBindingError/invalidArgument(_:)`` for a bad batch size.
  public func resolveDataObjects(
    _ objects: [DXJSON], project: String? = nil, folder: String? = nil, batchSize: Int = 1000,
    options: DXRequestOptions = .init()
  ) async throws -> [[DXJSON]] {
    guard batchSize > 0, batchSize <= 1000 else {
      throw DXBindingError.invalidArgument(
        "batchsize for resolve_data_objects must be a positive integer not exceeding 1000")
    }
    var input: [String: DXJSON] = [:]
    if let project, !project.isEmpty { input["project"] = .string(project) }
    if let folder, !folder.isEmpty { input["folder"] = .string(folder) }
    var results: [[DXJSON]] = []
    var start = 0
    while start < objects.count {
      input["objects"] = .array(Array(objects[start..<min(start + batchSize, objects.count)]))
      let reply = try await call("/system/resolveDataObjects", .object(input), options: options)
      guard let batch = reply["results"]?.arrayValue else {
        throw DXBindingError.malformedReply("resolveDataObjects returned no results")
      }
      results += batch.map { $0.arrayValue ?? [] }
      start += batchSize
    }
    return results
  }
}
