// DXCore's callers get the wire vocabulary with it: `DXJSON`, `DXHTTPHeaders`, `DXTransportRequest`,
// `DXTransportResponse` and `DXErrorBody` are part of DXCore's API, but live in DXWire so that the mock
// server can share them without depending on the client it judges.
@_exported import DXWire
