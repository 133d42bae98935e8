import Crypto
import Foundation

/// The WebSocket wire format (RFC 6455) the mock server needs: the handshake's accept key, server
/// frames (never masked) and client frames (always masked).
enum WebSocketFrame {
  /// Frame opcodes.
  enum Opcode: UInt8, Sendable {
    case continuation = 0x0
    case text = 0x1
    case binary = 0x2
    case close = 0x8
    case ping = 0x9
    case pong = 0xA
  }

  /// One decoded frame.
  struct Frame: Sendable, Equatable {
    var fin: Bool
    var opcode: UInt8
    var payload: [UInt8]
  }

  /// What decoding the start of a buffer gave.
  enum Decoded: Sendable, Equatable {
    /// The buffer does not hold a whole frame yet.
    case needMore
    /// A frame and the number of bytes it took.
    case frame(Frame, consumed: Int)
    /// A protocol error (the connection is closed with 1002).
    case invalid(String)
  }

  /// The largest client frame payload accepted (client messages are small JSON objects).
  static let maxClientPayload = 1 << 20

  /// The GUID RFC 6455 appends to the client's key.
  static let guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

  /// `Sec-WebSocket-Accept` for a client's `Sec-WebSocket-Key`.
  static func acceptKey(for key: String) -> String {
    Data(Insecure.SHA1.hash(data: Data((key + guid).utf8))).base64EncodedString()
  }

  /// A server frame: FIN set, unmasked.
  static func encode(_ opcode: Opcode, _ payload: [UInt8]) -> [UInt8] {
    var bytes: [UInt8] = [0x80 | opcode.rawValue]
    switch payload.count {
    case 0..<126:
      bytes.append(UInt8(payload.count))
    case 126...0xFFFF:
      bytes.append(126)
      bytes.append(UInt8(payload.count >> 8))
      bytes.append(UInt8(payload.count & 0xFF))
    default:
      bytes.append(127)
      for shift in stride(from: 56, through: 0, by: -8) {
        bytes.append(UInt8((payload.count >> shift) & 0xFF))
      }
    }
    return bytes + payload
  }

  /// A close frame's payload: the code, then the UTF-8 reason cut to fit in 123 bytes.
  static func closePayload(code: UInt16, reason: String) -> [UInt8] {
    var reasonBytes = Array(reason.utf8)
    if reasonBytes.count > 123 {
      reasonBytes = Array(reasonBytes.prefix(123))
      // Do not leave half a UTF-8 sequence at the end.
      while let last = reasonBytes.last, last & 0xC0 == 0x80 { reasonBytes.removeLast() }
      if let last = reasonBytes.last, last & 0xC0 == 0xC0 { reasonBytes.removeLast() }
    }
    return [UInt8(code >> 8), UInt8(code & 0xFF)] + reasonBytes
  }

  /// A client frame (masked; the payload unmasked), from the start of `buffer`.
  static func decodeClientFrame(_ buffer: ArraySlice<UInt8>) -> Decoded {
    let base = buffer.startIndex
    guard buffer.count >= 2 else { return .needMore }
    let first = buffer[base]
    let second = buffer[base + 1]
    guard first & 0x70 == 0 else { return .invalid("reserved bits are set") }
    let opcode = first & 0x0F
    guard [0x0, 0x1, 0x2, 0x8, 0x9, 0xA].contains(opcode) else { return .invalid("unknown opcode \(opcode)") }
    guard second & 0x80 != 0 else { return .invalid("client frames must be masked") }
    var length = Int(second & 0x7F)
    var offset = 2
    if length == 126 {
      guard buffer.count >= 4 else { return .needMore }
      length = Int(buffer[base + 2]) << 8 | Int(buffer[base + 3])
      offset = 4
    } else if length == 127 {
      guard buffer.count >= 10 else { return .needMore }
      var value: UInt64 = 0
      for index in 2..<10 { value = value << 8 | UInt64(buffer[base + index]) }
      guard value <= UInt64(maxClientPayload) else { return .invalid("the frame is too large") }
      length = Int(value)
      offset = 10
    }
    guard length <= maxClientPayload else { return .invalid("the frame is too large") }
    if opcode >= 0x8, length > 125 || first & 0x80 == 0 {
      return .invalid("control frames must be final and at most 125 bytes")
    }
    guard buffer.count >= offset + 4 + length else { return .needMore }
    let mask = Array(buffer[(base + offset)..<(base + offset + 4)])
    let start = base + offset + 4
    var payload = [UInt8](repeating: 0, count: length)
    for index in 0..<length { payload[index] = buffer[start + index] ^ mask[index & 3] }
    return .frame(
      Frame(fin: first & 0x80 != 0, opcode: opcode, payload: payload), consumed: offset + 4 + length)
  }
}
