import DXWire

// MARK: - Documented routes the mock does not serve yet

extension MockPlatform {
  /// The documented routes that start or manage executions (jobs and analyses), which another part of
  /// the mock serves once it exists: until then each answers a clear 404 saying so, never "the route
  /// does not exist".
  static let executionRoutes = [
    "/applet-xxxx/run", "/app-xxxx/run", "/workflow-xxxx/run", "/globalworkflow-xxxx/run", "/job/new",
    "/job-xxxx/describe", "/job-xxxx/addTags", "/job-xxxx/removeTags", "/job-xxxx/setProperties",
    "/job-xxxx/terminate", "/job-xxxx/update", "/job-xxxx/getIdentityToken", "/job-xxxx/getLog",
    "/analysis-xxxx/describe", "/analysis-xxxx/addTags", "/analysis-xxxx/removeTags",
    "/analysis-xxxx/setProperties", "/analysis-xxxx/terminate", "/system/findJobs", "/system/findAnalyses",
    "/system/findExecutions", "/system/describeExecutions",
  ]

  /// Registers the not-yet answer for each of ``executionRoutes`` that has no handler; called after
  /// every other registration, so a real handler always wins whatever the order.
  func registerPendingRoutes(into router: inout PlatformRouter) {
    for route in Self.executionRoutes where !router.isRegistered(route) {
      router.register(route) { call throws(DXPlatformError) in
        throw .resourceNotFound(
          "The route \(call.request.path) is not served by dx-mock-server yet: it does not run jobs")
      }
    }
  }
}
