import DXWire

/// The metadata `app/new` and `app-xxxx/update` take; absent fields are left as they are.
struct AppFields {
  var title: String?
  var subtitle: String?
  var summary: String?
  var description: String?
  var developerNotes: String?
  var details: DXJSON?
  var categories: [String]?

  init(_ input: PlatformInput) throws(DXPlatformError) {
    title = try input.string("title")
    subtitle = try input.string("subtitle")
    summary = try input.string("summary")
    description = try input.string("description")
    developerNotes = try input.string("developerNotes")
    details = input.fields["details"].flatMap { $0.isNull ? nil : $0 }
    categories = try input.strings("categories")
  }

  func apply(to app: inout AppState) {
    if let title { app.spec.title = title }
    if let subtitle { app.subtitle = subtitle }
    if let summary { app.spec.summary = summary }
    if let description { app.spec.description = description }
    if let developerNotes { app.spec.developerNotes = developerNotes }
    if let details { app.details = details }
    if let categories { app.categories = categories }
  }
}
