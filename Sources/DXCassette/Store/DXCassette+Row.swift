import DXCore
import DXSQLite
import Foundation

extension DXCassette {
  /// The column encoding of an interaction.
  struct Row {
    /// The columns ``decode(_:)`` reads, in order.
    static let columns = """
      id, method, url, request_headers, request_body, status, response_headers, response_body, body_end,
      declared_length, received_length, error_kind, error_message, sequence, duration_ns, recorded_at,
      headers_ns, tags, max_age_ns
      """

    /// The columns ``values`` holds, in order (every column but `id`).
    static let insertColumns = """
      method, url, request_headers, request_body, status, response_headers, response_body, body_end,
      declared_length, received_length, error_kind, error_message, sequence, duration_ns, recorded_at,
      headers_ns, tags, max_age_ns
      """

    /// One `?` per column of ``insertColumns``.
    static let placeholders = Array(repeating: "?", count: 18).joined(separator: ", ")

    /// The index of `sequence` in ``values`` (the one column ``DXCassette/update(_:)`` keeps).
    static let sequenceIndex = 12

    /// The values of ``insertColumns``, in order.
    var values: [DXSQLiteValue]

    init(_ interaction: DXCassetteInteraction) {
      let request = interaction.request
      var values: [DXSQLiteValue] = [
        .text(request.method), .text(request.url), .text(Self.encodeHeaders(request.headers)),
        .blob(request.body),
      ]
      switch interaction.outcome {
      case .response(let response):
        var bodyEnd = "complete"
        var declared: DXSQLiteValue = .null
        var received: DXSQLiteValue = .null
        switch response.bodyEnd {
        case .complete: break
        case .truncated(let declaredLength, let receivedLength):
          bodyEnd = "truncated"
          declared = .int(declaredLength)
          received = .int(receivedLength)
        case .closeDelimited: bodyEnd = "closeDelimited"
        }
        values += [
          .int(response.status), .text(Self.encodeHeaders(response.headers)), .blob(response.body),
          .text(bodyEnd), declared, received, .null, .null,
        ]
      case .failure(let error):
        values += [
          .null, .null, .null, .null, .null, .null, .text(error.kind.rawValue), .text(error.message),
        ]
      }
      values += [
        .int(interaction.sequence), .integer(Self.nanoseconds(interaction.duration)),
        .real(interaction.recordedAt.timeIntervalSince1970),
        interaction.timeToHeaders.map { .integer(Self.nanoseconds($0)) } ?? .null,
        .text(Self.encodeTags(interaction.tags)),
        interaction.expiresAfter.map { .integer(Self.nanoseconds($0)) } ?? .null,
      ]
      self.values = values
    }

    /// Whole nanoseconds of `duration`, clamped to `Int64`'s range.
    static func nanoseconds(_ duration: Duration) -> Int64 {
      let (seconds, attoseconds) = duration.components
      let product = seconds.multipliedReportingOverflow(by: 1_000_000_000)
      if product.overflow { return seconds < 0 ? Int64.min : Int64.max }
      let sum = product.partialValue.addingReportingOverflow(attoseconds / 1_000_000_000)
      return sum.overflow ? (seconds < 0 ? Int64.min : Int64.max) : sum.partialValue
    }

    /// Tags as a JSON array of strings (`[]` for none).
    static func encodeTags(_ tags: [String]) -> String {
      DXJSON.array(tags.map { .string($0) }).serializedString()
    }

    /// The tags stored as a JSON array; anything else reads as none.
    static func decodeTags(_ text: String?) -> [String] {
      guard let text, text != "[]", let list = (try? DXJSON(parsing: text))?.arrayValue else { return [] }
      return list.compactMap(\.stringValue)
    }

    /// Decodes a row selected with ``columns``.
    static func decode(_ row: DXSQLiteStatement) throws -> DXCassetteInteraction {
      let request = DXTransportRequest(
        method: row.string(at: 1) ?? "", url: row.string(at: 2) ?? "",
        headers: try decodeHeaders(row.string(at: 3)), body: row.data(at: 4) ?? Data())
      return DXCassetteInteraction(
        id: row.int64(at: 0), request: request, outcome: try decodeOutcome(row, from: 5),
        sequence: row.int(at: 13), duration: .nanoseconds(row.int64(at: 14)),
        timeToHeaders: row.isNull(at: 16) ? nil : .nanoseconds(row.int64(at: 16)),
        recordedAt: Date(timeIntervalSince1970: row.double(at: 15)), tags: decodeTags(row.string(at: 17)),
        expiresAfter: row.isNull(at: 18) ? nil : .nanoseconds(row.int64(at: 18)))
    }

    /// Decodes status, response_headers, response_body, body_end, declared_length, received_length,
    /// error_kind, error_message starting at column `offset`.
    static func decodeOutcome(_ row: DXSQLiteStatement, from offset: Int) throws
      -> DXCassetteInteraction.Outcome
    {
      if let kind = row.string(at: offset + 6) {
        return .failure(DXTransportError(.init(rawValue: kind), message: row.string(at: offset + 7) ?? ""))
      }
      let bodyEnd: DXTransportResponse.BodyEnd
      switch row.string(at: offset + 3) {
      case "truncated":
        bodyEnd = .truncated(declared: row.int(at: offset + 4), received: row.int(at: offset + 5))
      case "closeDelimited": bodyEnd = .closeDelimited
      default: bodyEnd = .complete
      }
      return .response(
        DXTransportResponse(
          status: row.int(at: offset), headers: try decodeHeaders(row.string(at: offset + 1)),
          body: row.data(at: offset + 2) ?? Data(), bodyEnd: bodyEnd))
    }

    /// Headers as a JSON array of `[name, value]` pairs, order kept.
    static func encodeHeaders(_ headers: DXHTTPHeaders) -> String {
      DXJSON.array(headers.fields.map { .array([.string($0.name), .string($0.value)]) }).serializedString()
    }

    static func decodeHeaders(_ text: String?) throws -> DXHTTPHeaders {
      guard let text, !text.isEmpty else { return DXHTTPHeaders() }
      if let fields = compactHeaderFields(text) { return DXHTTPHeaders(fields) }
      guard let pairs = (try? DXJSON(parsing: text))?.arrayValue else {
        throw DXCassetteError(
          kind: .invalidData, message: "stored headers are not a JSON array: \(text.prefix(80))")
      }
      var fields: [DXHTTPHeaders.Field] = []
      fields.reserveCapacity(pairs.count)
      for pair in pairs {
        guard let items = pair.arrayValue, items.count == 2, let name = items[0].stringValue,
          let value = items[1].stringValue
        else {
          throw DXCassetteError(
            kind: .invalidData, message: "stored header is not a [name, value] pair: \(pair)")
        }
        fields.append(.init(name: name, value: value))
      }
      return DXHTTPHeaders(fields)
    }

    /// The fields of headers stored as ``encodeHeaders(_:)`` writes them (`[["name","value"],…]`, no
    /// white space) when no name or value holds an escape or a control character — read on the bytes,
    /// without building a ``DXJSON`` tree; `nil` for anything else (which ``decodeHeaders(_:)`` then
    /// reads in general).
    static func compactHeaderFields(_ text: String) -> [DXHTTPHeaders.Field]? {
      var text = text
      return text.withUTF8 { bytes -> [DXHTTPHeaders.Field]? in
        var index = 0
        func take(_ byte: UInt8) -> Bool {
          guard index < bytes.count, bytes[index] == byte else { return false }
          index += 1
          return true
        }
        func string() -> String? {
          guard take(UInt8(ascii: "\"")) else { return nil }
          let start = index
          while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
              index += 1
              return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index - 1]), as: UTF8.self)
            }
            guard byte >= 0x20, byte != UInt8(ascii: "\\") else { return nil }
            index += 1
          }
          return nil
        }
        guard take(UInt8(ascii: "[")) else { return nil }
        var fields: [DXHTTPHeaders.Field] = []
        if take(UInt8(ascii: "]")) { return index == bytes.count ? fields : nil }
        repeat {
          guard take(UInt8(ascii: "[")), let name = string(), take(UInt8(ascii: ",")), let value = string(),
            take(UInt8(ascii: "]"))
          else { return nil }
          fields.append(.init(name: name, value: value))
        } while take(UInt8(ascii: ","))
        guard take(UInt8(ascii: "]")), index == bytes.count else { return nil }
        return fields
      }
    }
  }
}

extension DXCassetteInteraction {
  /// One interaction without its bodies, for listings.
  public struct Summary: Sendable, Hashable {
    /// The row ID (recording order).
    public var id: Int64
    /// The request method.
    public var method: String
    /// The request URL.
    public var url: String
    /// The response status, or `nil` when no response arrived.
    public var status: Int?
    /// The transport error's kind, when no response arrived.
    public var errorKind: DXTransportError.Kind?
    /// `"complete"`, `"truncated"` or `"closeDelimited"` for a response; `nil` for a failure.
    public var bodyEnd: String?
    /// The request body's size in bytes.
    public var requestBodySize: Int
    /// The response body's size in bytes (0 for a failure).
    public var responseBodySize: Int
    /// The attempt position (see ``DXCassetteInteraction/sequence``).
    public var sequence: Int
    /// How long the exchange took.
    public var duration: Duration
    /// When it was recorded.
    public var recordedAt: Date
    /// The interaction's tags.
    public var tags: [String]
    /// The interaction's own maximum age (see ``DXCassetteInteraction/expiresAfter``).
    public var expiresAfter: Duration?

    /// Creates a summary.
    public init(
      id: Int64, method: String, url: String, status: Int?, errorKind: DXTransportError.Kind?,
      bodyEnd: String?,
      requestBodySize: Int, responseBodySize: Int, sequence: Int, duration: Duration, recordedAt: Date,
      tags: [String] = [], expiresAfter: Duration? = nil
    ) {
      self.tags = tags
      self.expiresAfter = expiresAfter
      self.id = id
      self.method = method
      self.url = url
      self.status = status
      self.errorKind = errorKind
      self.bodyEnd = bodyEnd
      self.requestBodySize = requestBodySize
      self.responseBodySize = responseBodySize
      self.sequence = sequence
      self.duration = duration
      self.recordedAt = recordedAt
    }
  }
}
