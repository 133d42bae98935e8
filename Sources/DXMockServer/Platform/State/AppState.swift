import DXWire

/// One version of an app in the global app registry (`app-…`), built from an applet.
///
/// What every version of a name shares (developers, authorized users, installs) is in
/// ``AppFamily``.
struct AppState: Sendable, Codable, Equatable {
  /// `app-` + 24 characters.
  var id: String
  var name: String
  var version: String
  /// The tags (aliases other than the version), e.g. `["default"]`; unique among a name's versions.
  var tags: [String] = []
  var created: Int
  var modified: Int
  /// The user who created this version.
  var createdBy: String
  var billTo: String
  /// When the version was published (ms), or 0 while unpublished.
  var published: Int = 0
  var deleted: Bool = false
  var subtitle: String = ""
  var categories: [String] = []
  var details: DXJSON = .object([:])
  var openSource: Bool = false
  /// The applet the version was built from.
  var applet: String
  /// The executable fields: the applet's, with the app's own title/summary/description/notes.
  var spec: AppletData
  /// Per region, `{"applet": …}` and the other options given (`nil` in files written before regions:
  /// the default region with ``applet``).
  var regionalOptions: [String: DXJSON]?

  /// The version followed by the tags, as describe's `aliases` lists them.
  var aliases: [String] { [version] + tags }
}
