/// The download URL of one file, fetched once and reused until it expires; callers that ask while it
/// is being fetched wait for that one fetch (dxpy keeps it on the handle under a lock).
actor DXDownloadURLCache {
  typealias Entry = (url: String, headers: DXHTTPHeaders, expires: Double)

  private var cached: Entry?
  private var inFlight: Task<Entry, any Error>?
  private let fetch: @Sendable () async throws -> Entry
  private let clock: any DXClock

  init(clock: any DXClock, fetch: @escaping @Sendable () async throws -> Entry) {
    self.clock = clock
    self.fetch = fetch
  }

  /// The URL and headers, fetched when there is none yet or it has expired.
  func get() async throws -> (url: String, headers: DXHTTPHeaders) {
    if let cached, cached.expires >= clock.now().timeIntervalSince1970 { return (cached.url, cached.headers) }
    if let inFlight {
      let entry = try await inFlight.value
      return (entry.url, entry.headers)
    }
    let task = Task { try await fetch() }
    inFlight = task
    defer { inFlight = nil }
    let entry = try await task.value
    cached = entry
    return (entry.url, entry.headers)
  }
}
