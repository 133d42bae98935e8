/// When a cassette replays and when it records — Ruby VCR's record modes.
public enum DXCassetteRecordMode: String, Sendable, Hashable, CaseIterable {
  /// The default. If the cassette held interactions when it was opened, replay only: an unmatched
  /// request fails with ``DXCassetteError/Kind-swift.struct/noMatch``. If it was empty (new), send
  /// every request and record it. Record once, replay forever.
  case once
  /// Replay requests that match an unplayed recorded interaction; send and record every other one
  /// (including a repeat of a request whose recordings were all played). Grows a cassette.
  case newEpisodes
  /// Replay only, never send: an unmatched request fails. For CI.
  case none
  /// Never replay: send and record every request. The first time a request with a given match key
  /// is recorded in this session, the interactions recorded for that key before the session are
  /// deleted (in the same transaction), so re-recording replaces stale interactions and keeps the
  /// ones this run did not touch.
  case all
  /// Neither replay nor record: every request goes to the next transport untouched.
  case passthrough
}
