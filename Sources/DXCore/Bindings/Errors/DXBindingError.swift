/// An error the bindings raise on their own, before or after talking to the platform: dxpy's `DXError`
/// raised from `dxpy.bindings`, and its subclasses `DXFileError`, `DXPartLengthMismatchError`,
/// `DXChecksumMismatchError`, `DXSearchError`, `DXJobFailureError` and `DXAppletError`.
///
/// A struct with a private code and static members, so new kinds never break callers. The platform's
/// own errors stay ``DXAPIError``; a reply that could not be used stays ``DXResponseError``.
///
/// | kind | dxpy class | when |
/// |---|---|---|
/// | ``invalidID(_:classes:)`` | `DXError` | an ID is not `<class>-<24 alphanumerics>` of an expected class |
/// | ``invalidLink(_:)`` | `DXError` | a value is not a `$dnanexus_link` |
/// | ``invalidArgument(_:)`` | `DXError` / `ValueError` | arguments that cannot go together, or are out of range |
/// | ``unexpectedState(_:)`` | `DXError` | an object in a state the call cannot continue from |
/// | ``timeout(_:)`` | `DXError` | a wait ran past its timeout |
/// | ``file(_:)`` | `DXFileError` | a file transfer cannot go on |
/// | ``partLengthMismatch(_:)`` | `DXPartLengthMismatchError` | a downloaded part has the wrong size |
/// | ``checksumMismatch(_:)`` | `DXChecksumMismatchError` | a downloaded part has the wrong MD5 |
/// | ``search(_:)`` | `DXSearchError` | `findOne` found none or more than one |
/// | ``jobFailure(_:execution:)`` | `DXJobFailureError` | a job or analysis failed, was terminated or ran past the wait |
/// | ``applet(_:)`` | `DXAppletError` | an applet or app cannot be built or run as asked |
/// | ``resolution(_:)`` | `ResolutionError` | a path did not resolve |
/// | ``malformedReply(_:)`` | `KeyError` / `TypeError` | a reply lacks a field the bindings need |
public struct DXBindingError: Error, Sendable, Hashable, CustomStringConvertible {
  private enum Code: String, Sendable, Hashable {
    case invalidID, invalidLink, invalidArgument, unexpectedState, timeout, file, partLengthMismatch
    case checksumMismatch, search, jobFailure, applet, resolution, malformedReply
  }

  /// What a failed job or analysis reported (for ``jobFailure(_:execution:)``).
  public struct ExecutionFailure: Sendable, Hashable {
    /// The execution's ID.
    public var id: String
    /// Its state: `failed`, `partially_failed`, `terminated`, or the state it was in at a timeout.
    public var state: String
    /// The platform's `failureReason` (e.g. `AppError`), when it failed.
    public var failureReason: String?
    /// The platform's `failureMessage`, when it failed.
    public var failureMessage: String?
    /// The ID in `failureFrom`, when the failure came from another execution.
    public var failureFrom: String?

    /// Creates a failure description.
    public init(
      id: String, state: String, failureReason: String? = nil, failureMessage: String? = nil,
      failureFrom: String? = nil
    ) {
      self.id = id
      self.state = state
      self.failureReason = failureReason
      self.failureMessage = failureMessage
      self.failureFrom = failureFrom
    }
  }

  private let code: Code
  /// The message, in dxpy's wording where dxpy has one.
  public let message: String
  /// The failed execution, for ``jobFailure(_:execution:)``.
  public let execution: ExecutionFailure?

  private init(_ code: Code, _ message: String, execution: ExecutionFailure? = nil) {
    self.code = code
    self.message = message
    self.execution = execution
  }

  /// The message.
  public var description: String { message }

  /// `Invalid ID of class <classes>: '<id>'` (dxpy's `verify_string_dxid`).
  public static func invalidID(_ id: String, classes: [String]) -> DXBindingError {
    let expected: String
    switch classes.count {
    case 0: expected = "(none)"
    case 1: expected = classes[0]
    case 2: expected = classes.joined(separator: " or ")
    default: expected = classes.dropLast().joined(separator: ", ") + ", or " + (classes.last ?? "")
    }
    return DXBindingError(.invalidID, "Invalid ID of class \(expected): '\(id)'")
  }

  /// A value that is not a DNAnexus link (`Invalid link: …`).
  public static func invalidLink(_ message: String) -> DXBindingError {
    DXBindingError(.invalidLink, message)
  }

  /// Arguments that cannot go together or are out of range.
  public static func invalidArgument(_ message: String) -> DXBindingError {
    DXBindingError(.invalidArgument, message)
  }

  /// An object in a state the call cannot continue from (`Unexpected state: …`).
  public static func unexpectedState(_ message: String) -> DXBindingError {
    DXBindingError(.unexpectedState, message)
  }

  /// A wait ran past its timeout.
  public static func timeout(_ message: String) -> DXBindingError { DXBindingError(.timeout, message) }

  /// dxpy's `DXFileError`.
  public static func file(_ message: String) -> DXBindingError { DXBindingError(.file, message) }

  /// dxpy's `DXPartLengthMismatchError` (a `DXFileError`).
  public static func partLengthMismatch(_ message: String) -> DXBindingError {
    DXBindingError(.partLengthMismatch, message)
  }

  /// dxpy's `DXChecksumMismatchError` (a `DXFileError`).
  public static func checksumMismatch(_ message: String) -> DXBindingError {
    DXBindingError(.checksumMismatch, message)
  }

  /// dxpy's `DXSearchError`.
  public static func search(_ message: String) -> DXBindingError { DXBindingError(.search, message) }

  /// dxpy's `DXJobFailureError`, with what the platform said about the failure.
  public static func jobFailure(_ message: String, execution: ExecutionFailure) -> DXBindingError {
    DXBindingError(.jobFailure, message, execution: execution)
  }

  /// dxpy's `DXAppletError`: an applet or app cannot be built or run as asked.
  public static func applet(_ message: String) -> DXBindingError { DXBindingError(.applet, message) }

  /// dxpy's `ResolutionError`: a path did not resolve.
  public static func resolution(_ message: String) -> DXBindingError { DXBindingError(.resolution, message) }

  /// A reply without a field the bindings need (dxpy raises a bare `KeyError`).
  public static func malformedReply(_ message: String) -> DXBindingError {
    DXBindingError(.malformedReply, message)
  }

  /// Whether this is one of dxpy's `DXFileError`s (file, part length or checksum).
  public var isFileError: Bool { [.file, .partLengthMismatch, .checksumMismatch].contains(code) }
  /// Whether this is a part-length mismatch.
  public var isPartLengthMismatch: Bool { code == .partLengthMismatch }
  /// Whether this is a checksum mismatch.
  public var isChecksumMismatch: Bool { code == .checksumMismatch }
  /// Whether this is a search error.
  public var isSearchError: Bool { code == .search }
  /// Whether this is a job failure.
  public var isJobFailure: Bool { code == .jobFailure }
  /// Whether this is an invalid ID.
  public var isInvalidID: Bool { code == .invalidID }
  /// Whether this is a timeout.
  public var isTimeout: Bool { code == .timeout }
  /// Whether this is a resolution error.
  public var isResolutionError: Bool { code == .resolution }

  /// Whether `other` is the same kind of error, ignoring the message.
  public func isSameKind(as other: DXBindingError) -> Bool { code == other.code }

  /// dxpy's class name for the kind.
  public var pythonClassName: String {
    switch code {
    case .file: return "dxpy.exceptions.DXFileError"
    case .partLengthMismatch: return "dxpy.exceptions.DXPartLengthMismatchError"
    case .checksumMismatch: return "dxpy.exceptions.DXChecksumMismatchError"
    case .search: return "dxpy.exceptions.DXSearchError"
    case .jobFailure: return "dxpy.exceptions.DXJobFailureError"
    case .applet: return "dxpy.exceptions.DXAppletError"
    case .resolution: return "dxpy.utils.resolver.ResolutionError"
    case .malformedReply: return "KeyError"
    default: return "dxpy.exceptions.DXError"
    }
  }
}
