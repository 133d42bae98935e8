import DXWire

/// An applet's own fields (the data-object fields live in ``DataObjectState``).
///
/// Apps keep a copy of these too: an app version is a snapshot of the applet it was built from.
struct AppletData: Sendable, Codable, Equatable {
  /// The title; describe falls back to the name when it is unset.
  var title: String?
  var summary: String = ""
  var description: String = ""
  var developerNotes: String = ""
  /// The API version the code was written against, e.g. `"1.0.0"`.
  var dxapi: String
  /// The run specification as given, `code` included (describe leaves `code` out; `get` has it).
  var runSpec: DXJSON
  /// The input and output specifications (arrays of `{name, class, …}`), or `nil` when not given.
  var inputSpec: DXJSON?
  var outputSpec: DXJSON?
  /// The requested access (`network`, `project`, …).
  var access: DXJSON = .object([:])
  var ignoreReuse: Bool = false
  var treeTurnaroundTimeThreshold: Int?

  /// `runSpec` without its `code` (what describe shows).
  var runSpecWithoutCode: DXJSON {
    guard var members = runSpec.objectValue else { return runSpec }
    members["code"] = nil
    return .object(members)
  }
}
