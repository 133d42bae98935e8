import DXCore
import DXMockServer

/// Where a cassette session sends the requests it records (``DXCassetteTrait``,
/// `withClient(path:mode:upstream:matching:allowPlaybackRepeats:clock:random:onMiss:_:)`).
///
/// Only a session that records or passes requests through uses it: one that replays never touches
/// the network and starts nothing.
public enum DXCassetteUpstream: Sendable {
  /// The mock server of the enclosing ``DXMockServerTrait`` when there is one (`.dxMockServer()` listed
  /// before `.cassette(…)` on the test), else the platform of `DXConfiguration.shared` (the
  /// environment and `~/.dnanexus_config`, as `dx` uses).
  case automatic
  /// A mock server started for the session (and stopped after it), with this seed.
  case mockServer(seed: UInt64?)
  /// These platform settings: server URL and token.
  case platform(DXConfiguration)
}
