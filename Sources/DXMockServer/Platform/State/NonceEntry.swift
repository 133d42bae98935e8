import DXWire

/// The first request that used a nonce: its input (without the nonce) and the response it got.
struct NonceEntry: Sendable, Codable, Equatable {
  /// The canonical (sorted-key) JSON text of the input without `nonce`.
  var input: String
  /// The response sent.
  var response: DXJSON
}
