import DXWire

extension DXJournalEntry {
  /// The entry's JSON form in `GET /__admin/requests`:
  /// `{"id":1,"requestID":"…","method":"POST","path":"/system/whoami","query":[{"name":…,"value":…}],
  /// "headers":[{"name":…,"value":…}],"body":"{}","bodyEncoding":"text","bodySize":2,
  /// "bodyTruncated":false,"remoteAddress":"127.0.0.1","receivedAt":…,"completedAt":…,"durationMs":…,
  /// "status":200,"fault":null,"faultRuleIDs":[],"delayMs":0,"declaredBytes":…,"sentBytes":…,
  /// "outcome":"response"}`. Absent values are `null`.
  public var json: DXJSON {
    let object: [String: DXJSON] = [
      "id": .integer(id),
      "requestID": .string(requestID),
      "method": .string(method),
      "path": .string(path),
      "query": .array(query.map { .object(["name": .string($0.name), "value": .string($0.value)]) }),
      "headers": .array(
        headers.fields.map { .object(["name": .string($0.name), "value": .string($0.value)]) }),
      "body": .string(body),
      "bodyEncoding": .string(bodyEncoding.rawValue),
      "bodySize": .integer(bodySize),
      "bodyTruncated": .bool(bodyTruncated),
      "remoteAddress": .string(remoteAddress),
      "receivedAt": .integer(Int(receivedAt)),
      "completedAt": completedAt.map { .integer(Int($0)) } ?? .null,
      "durationMs": completedAt.map { .integer(Int($0 - receivedAt)) } ?? .null,
      "status": status.map { .integer($0) } ?? .null,
      "fault": fault.map { .string($0) } ?? .null,
      "faultRuleIDs": .array(faultRuleIDs.map { .string($0) }),
      "delayMs": .integer(delayMs),
      "declaredBytes": declaredBytes.map { .integer($0) } ?? .null,
      "sentBytes": sentBytes.map { .integer($0) } ?? .null,
      "outcome": .string(outcome),
    ]
    return .object(object)
  }
}
