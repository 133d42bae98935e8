import Crypto
import DXWire
import Foundation

// MARK: - /file/new and the file-xxxx routes

extension MockPlatform {
  /// The smallest part other than the last (the advertised `minimumPartSize`).
  static let minimumPartSize = 5_242_880
  /// How long a file stays `closing` after `close` (ms); 0 means until the next request.
  var closingDelay: Int { 0 }
  /// How long upload and preauthenticated download URLs work, by default (ms).
  static let transferLifetime = 86_400_000

  func registerFileRoutes(into router: inout PlatformRouter) {
    router.register("/file/new") { call throws(DXPlatformError) in
      let input = try Self.input(call)
      let common = try NewObjectInput(input)
      let media = try input.string("media")
      return try self.withNonce(call, route: "/file/new") {
        (state: inout PlatformState) throws(DXPlatformError) in
        let id = try self.createObject(common, klass: "file", caller: call.caller, state: &state) {
          object, source throws(DXPlatformError) in
          object.media = media ?? source?.media
          if common.close {
            throw .invalidInput("A file cannot be closed at creation; upload its parts and call close")
          }
        }
        return ["id": .string(id)]
      }
    }
    router.register("/file-xxxx/upload") { call throws(DXPlatformError) in try self.fileUpload(call) }
    router.register("/file-xxxx/close") { call throws(DXPlatformError) in try self.fileClose(call) }
    router.register("/file-xxxx/download") { call throws(DXPlatformError) in try self.fileDownload(call) }
  }

  private func fileUpload(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    let index = try input.int("index") ?? 1
    guard (1...10000).contains(index) else {
      throw .invalidInput("\"index\" must be an integer from 1 to 10000, not \(index)")
    }
    let size = try input.int("size")
    if let size, size < 0 || size > 5_368_709_120 {
      throw .invalidInput("\"size\" must be between 0 and 5368709120, not \(size)")
    }
    let md5 = try input.string("md5")?.lowercased()
    if let md5, md5.count != 32 || !md5.allSatisfy(\.isHexDigit) {
      throw .invalidInput("\"md5\" must be 32 hexadecimal digits")
    }
    let now = store.now()
    try store.read { (state: PlatformState) throws(DXPlatformError) in
      let object = try state.object(call.target, klass: "file")
      _ = try state.copyProject(of: object, for: call.caller, hint: nil, atLeast: .upload)
      guard object.state == "open" else {
        throw .invalidState("\(call.target) is not in the open state, so no part can be uploaded")
      }
    }
    let expires = now + Self.transferLifetime
    let sizeField = size.map(String.init) ?? "-"
    let md5Field = md5 ?? "-"
    let signature = transferSigner.signature(
      ["upload", call.target, String(index), String(expires), sizeField, md5Field])
    var headers: [String: DXJSON] = [:]
    if let size { headers["content-length"] = .string(String(size)) }
    if let md5, let raw = Self.bytes(hex: md5) {
      headers["content-md5"] = .string(Data(raw).base64EncodedString())
    }
    let url =
      transferBase(for: call.request) + Self.transferPrefix
      + "upload/\(call.target)/\(index)/\(expires)/\(sizeField)/\(md5Field)/\(signature)"
    return ["url": .string(url), "expires": .integer(expires), "headers": .object(headers)]
  }

  private func fileClose(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    _ = try Self.input(call)
    return try store.write { (state: inout PlatformState) throws(DXPlatformError) in
      let object = try state.object(call.target, klass: "file")
      _ = try state.copyProject(of: object, for: call.caller, hint: nil, atLeast: .upload)
      guard object.state == "open" else { return ["id": .string(call.target)] }
      let indices = object.parts.keys.sorted()
      for index in indices.dropLast() {
        if let part = object.parts[index], part.size < Self.minimumPartSize {
          throw .invalidState(
            "Part \(index) of \(call.target) has \(part.size) bytes; every part but the last needs at least "
              + "\(Self.minimumPartSize)")
        }
      }
      let now = store.now()
      try state.updateObject(call.target) { (object: inout DataObjectState) throws(DXPlatformError) in
        object.size = object.parts.values.reduce(0) { $0 + $1.size }
        object.state = "closing"
        object.modified = now
      }
      // Like the platform, the file is `closing` first; it is `closed` from the next request on
      // (after ``closingDelay``).
      state.closing[call.target] = now + closingDelay
      return ["id": .string(call.target)]
    }
  }

  private func fileDownload(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    let preauthenticated = try input.bool("preauthenticated") ?? false
    // Bounded before the arithmetic below (seconds to ms, added to now).
    let duration = try input.int("duration", in: 1...PlatformLimits.maxDownloadDuration)
    let filename = try input.string("filename")
    let projectHint = try input.string("project")
    let now = store.now()
    let name = try store.read { (state: PlatformState) throws(DXPlatformError) -> String in
      let object = try state.object(call.target, klass: "file")
      let project: String
      if let projectHint {
        _ = try state.requireCopy(of: object, in: projectHint, for: call.caller, atLeast: .view)
        project = projectHint
      } else {
        project = try state.copyProject(of: object, for: call.caller, hint: nil, atLeast: .view)
      }
      guard object.state == "closed" else {
        throw .invalidState("\(call.target) is not in the closed state, so it cannot be downloaded")
      }
      if let archival = object.copies[project]?.archivalState, archival != "archival" {
        throw .invalidState("\(call.target) is \(archival) in \(project), so it cannot be downloaded")
      }
      if state.projects[project]?.flags["downloadRestricted"] == true {
        throw .permissionDenied("Downloads are restricted in \(project)")
      }
      return filename ?? object.copies[project]?.name ?? call.target
    }
    let expires = now + (duration.map { $0 * 1000 } ?? Self.transferLifetime)
    let encoded =
      name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? "file"
    // Every download URL carries its own expiry and signature (the mock does not tell preauthenticated
    // URLs apart: both work without a token, until they expire).
    _ = preauthenticated
    let signature = transferSigner.signature(["download", call.target, String(expires)])
    let url =
      transferBase(for: call.request) + Self.transferPrefix
      + "download/\(call.target)/\(expires)/\(signature)/\(encoded)"
    return ["url": .string(url), "headers": [:], "expires": .integer(expires)]
  }

  // MARK: - Transfer URLs (no API token)

  /// Serves `PUT /F/upload/<file>/<index>/<expires>/<size>/<md5>/<signature>` and
  /// `GET|HEAD /F/download/<file>/<expires>/<signature>/<name>` (``TransferSigner``).
  func serveTransfer(_ request: DXMockRequest) -> DXMockResponse {
    let parts = request.path.dropFirst(Self.transferPrefix.count).split(separator: "/").map(String.init)
    do throws(DXPlatformError) {
      if parts.count == 7, parts[0] == "upload" {
        guard request.method == "PUT" || request.method == "POST" else {
          return Self.methodNotAllowed("PUT")
        }
        guard transferSigner.verify(parts[6], Array(parts[0..<6])) else {
          throw DXPlatformError(type: "PermissionDenied", message: "The upload URL is not valid", status: 403)
        }
        guard let index = Int(parts[2]), let expires = Int(parts[3]) else {
          throw DXPlatformError(type: "PermissionDenied", message: "The upload URL is not valid", status: 403)
        }
        guard expires > store.now() else {
          throw DXPlatformError(type: "PermissionDenied", message: "The upload URL has expired", status: 403)
        }
        return try receivePart(
          request, file: parts[1], index: index, size: Int(parts[4]), md5: parts[5] == "-" ? nil : parts[5])
      }
      if parts.count >= 5, parts[0] == "download" {
        guard request.method == "GET" || request.method == "HEAD" else {
          return Self.methodNotAllowed("GET, HEAD")
        }
        guard transferSigner.verify(parts[3], Array(parts[0..<3])), let expires = Int(parts[2]) else {
          throw DXPlatformError(
            type: "PermissionDenied", message: "The download URL is not valid", status: 403)
        }
        guard expires > store.now() else {
          throw DXPlatformError(
            type: "PermissionDenied", message: "The download URL has expired", status: 403)
        }
        return try sendFile(request, file: parts[1])
      }
      if parts.first == "upload" || parts.first == "download" {
        throw DXPlatformError(type: "PermissionDenied", message: "The transfer URL is not valid", status: 403)
      }
      if parts.count >= 5, parts[0] == "database" {
        guard request.method == "GET" || request.method == "HEAD" else {
          return Self.methodNotAllowed("GET, HEAD")
        }
        return try sendDatabaseFile(
          request, database: parts[1], expires: parts[2], signature: parts[3],
          path: parts[4...].joined(separator: "/"))
      }
      throw .resourceNotFound("No file transfer at \(request.path)")
    } catch {
      return .error(error)
    }
  }

  static func methodNotAllowed(_ allowed: String) -> DXMockResponse {
    var response = DXMockResponse.error(
      DXPlatformError(type: "InvalidInput", message: "Method not allowed; use \(allowed)", status: 405))
    response.headers.add(name: "Allow", value: allowed)
    return response
  }

  private func receivePart(_ request: DXMockRequest, file: String, index: Int, size: Int?, md5: String?)
    throws(DXPlatformError) -> DXMockResponse
  {
    let now = store.now()
    let body = request.body
    if let size, size != body.count {
      throw DXPlatformError(
        type: "InvalidInput", message: "Part \(index) has \(body.count) bytes but \(size) were declared",
        status: 400)
    }
    // Usually computed while the body arrived (``RequestBody``); hashed here otherwise.
    let digest = request.bodyMD5 ?? BodyDigest.hex(Insecure.MD5.hash(data: body))
    if let md5, md5 != digest {
      throw DXPlatformError(
        type: "InvalidInput", message: "Part \(index) has MD5 \(digest) but \(md5) was declared", status: 400)
    }
    try store.write { (state: inout PlatformState) throws(DXPlatformError) in
      let object = try state.object(file, klass: "file")
      guard object.state == "open" else {
        throw .invalidState("\(file) is not in the open state, so no part can be uploaded")
      }
      try state.updateObject(file) { (object: inout DataObjectState) throws(DXPlatformError) in
        object.parts[index] = FilePart(size: body.count, md5: digest)
        object.modified = now
      }
      state.storePart(file, index: index, bytes: body)
    }
    return DXMockResponse(status: 200, headers: ["ETag": "\"\(digest)\""])
  }

  private func sendFile(_ request: DXMockRequest, file: String) throws(DXPlatformError) -> DXMockResponse {
    let (chunks, total) = try store.read { (state: PlatformState) throws(DXPlatformError) -> ([Data], Int) in
      let object = try state.object(file, klass: "file")
      guard object.state == "closed" else {
        throw .invalidState("\(file) is not in the closed state, so it cannot be downloaded")
      }
      let data = state.fileData[file] ?? [:]
      let chunks = object.parts.keys.sorted().map { data[$0] ?? Data() }
      return (chunks, chunks.reduce(0) { $0 + $1.count })
    }
    var status = 200
    var lower = 0
    var upper = total - 1
    var headers: DXHTTPHeaders = ["Content-Type": "application/octet-stream", "Accept-Ranges": "bytes"]
    if let range = request.headers["Range"] {
      guard let (start, end) = Self.parseRange(range, total: total) else {
        var response = DXMockResponse.error(
          DXPlatformError(type: "InvalidInput", message: "The range \(range) is not satisfiable", status: 416)
        )
        response.headers.add(name: "Content-Range", value: "bytes */\(total)")
        return response
      }
      status = 206
      lower = start
      upper = end
      headers.add(name: "Content-Range", value: "bytes \(start)-\(end)/\(total)")
    }
    let body = request.method != "HEAD" && upper >= lower ? Self.bytes(of: chunks, lower...upper) : Data()
    return DXMockResponse(status: status, headers: headers, body: body)
  }

  /// Bytes `range` of a file made of `parts`. A range within one part (a whole part, or a chunk of one:
  /// what dxpy and DXFile ask for) is a view of the stored part, with no copy (the daemon then sends it
  /// from that memory); a range across parts is copied together once.
  static func bytes(of parts: [Data], _ range: ClosedRange<Int>) -> Data {
    var pieces: [Data] = []
    var offset = 0
    for part in parts where !part.isEmpty {
      let partEnd = offset + part.count - 1
      if partEnd >= range.lowerBound, offset <= range.upperBound {
        let from = part.startIndex + max(range.lowerBound, offset) - offset
        let to = part.startIndex + min(range.upperBound, partEnd) - offset
        pieces.append(from == part.startIndex && to == part.endIndex - 1 ? part : part[from...to])
      }
      offset += part.count
      if offset > range.upperBound { break }
    }
    guard pieces.count > 1 else { return pieces.first ?? Data() }
    var body = Data()
    body.reserveCapacity(range.count)
    for piece in pieces { body.append(piece) }
    return body
  }

  /// The inclusive byte range of a `Range: bytes=a-b | a- | -n` header, or `nil` when unsatisfiable.
  static func parseRange(_ header: String, total: Int) -> (Int, Int)? {
    let text = header.trimmingCharacters(in: .whitespaces)
    guard text.hasPrefix("bytes="), !text.contains(",") else { return nil }
    let spec = text.dropFirst(6)
    guard let dash = spec.firstIndex(of: "-") else { return nil }
    let first = spec[..<dash].trimmingCharacters(in: .whitespaces)
    let last = spec[spec.index(after: dash)...].trimmingCharacters(in: .whitespaces)
    if first.isEmpty {
      guard let suffix = Int(last), suffix > 0, total > 0 else { return nil }
      return (max(0, total - suffix), total - 1)
    }
    guard let start = Int(first), start >= 0, start < total else { return nil }
    if last.isEmpty { return (start, total - 1) }
    guard let end = Int(last), end >= start else { return nil }
    return (start, min(end, total - 1))
  }

  /// The bytes of a hex string.
  static func bytes(hex: String) -> [UInt8]? {
    let characters = Array(hex.utf8)
    guard characters.count % 2 == 0 else { return nil }
    var result: [UInt8] = []
    var index = 0
    while index < characters.count {
      guard let byte = UInt8(String(decoding: characters[index...index + 1], as: UTF8.self), radix: 16) else {
        return nil
      }
      result.append(byte)
      index += 2
    }
    return result
  }
}
