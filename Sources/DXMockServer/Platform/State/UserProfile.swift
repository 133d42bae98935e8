import DXWire

/// What the platform keeps about a user besides their tokens: names, email, SSH key, billing, PHI,
/// regions and notifications.
///
/// Every configured user has one (made from the configuration or the fixtures at start-up); changes
/// (`user-xxxx/update`, notifications read) persist with `--state`.
struct UserProfile: Sendable, Codable, Equatable {
  /// `user-<handle>`.
  var id: String
  var first: String
  var middle: String = ""
  var last: String = ""
  var email: String
  /// The public key as sent to `user-xxxx/update`, or `nil`.
  var sshPublicKey: String?
  /// Whether projects billed to the user may contain PHI (a fixture setting).
  var allowsPHI: Bool = false
  /// The regions projects and apps billed to the user may use.
  var permittedRegions: [String] = PlatformRegions.all
  /// Other profile fields set through `user-xxxx/update`, kept as given.
  var settings: [String: DXJSON] = [:]
  /// The user's notifications, oldest first.
  var notifications: [UserNotification] = []

  /// The handle (`alice` for `user-alice`).
  var handle: String { String(id.dropFirst("user-".count)) }

  /// A profile with the synthetic defaults: first name the handle, email `<handle>@example.com`.
  init(id: String) {
    self.id = id
    let handle = String(id.dropFirst("user-".count))
    self.first = handle
    self.email = "\(handle)@example.com"
  }
}

/// One notification a user sees through `notifications/get`.
struct UserNotification: Sendable, Codable, Equatable {
  /// A stable ID (`notification-<n>`), what `notifications/markRead` takes.
  var id: String
  /// When it was made (ms).
  var created: Int
  /// The kind, e.g. `"projectInvite"`.
  var type: String
  var message: String
  /// The entity it is about (a project, an org…), if any.
  var subject: String?
  var read: Bool = false

  /// The notification as `notifications/get` lists it.
  var json: DXJSON {
    [
      "id": .string(id), "created": .integer(created), "type": .string(type), "message": .string(message),
      "subject": subject.map(DXJSON.string) ?? .null, "read": .bool(read),
    ]
  }
}
