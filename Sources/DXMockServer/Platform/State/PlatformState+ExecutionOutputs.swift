import Crypto
import DXWire
import Foundation

// MARK: - Outputs made from an output specification

extension PlatformState {
  /// The output a job that ends `done` without a scripted output gets: one value per required field
  /// of its executable's `outputSpec` (optional fields are left out).
  ///
  /// A file output is a new closed file in the job's output folder whose bytes derive from the job ID,
  /// the field and the server's seed; a record output a new closed record; numbers, strings, booleans
  /// and hashes deterministic values; an array one such element. Sub-jobs (other entry points) have no
  /// specification and output `{}`.
  mutating func makeOutputs(for execution: ExecutionState, at time: Int) -> DXJSON {
    guard execution.function == "main", let spec = outputSpec(of: execution)?.arrayValue else { return [:] }
    var output: [String: DXJSON] = [:]
    for parameter in spec where parameter["optional"]?.boolValue != true {
      guard let name = parameter["name"]?.stringValue, let klass = parameter["class"]?.stringValue else {
        continue
      }
      if let value = makeValue(klass, field: name, for: execution, at: time) { output[name] = value }
    }
    return .object(output)
  }

  /// The output specification of the executable `execution` ran, if it has one.
  func outputSpec(of execution: ExecutionState) -> DXJSON? {
    if let app = execution.app { return apps[app]?.spec.outputSpec }
    if let applet = execution.applet { return objects[applet]?.applet?.outputSpec }
    return nil
  }

  private mutating func makeValue(_ klass: String, field: String, for execution: ExecutionState, at time: Int)
    -> DXJSON?
  {
    let hash = Self.fnv1a("\(executions.seed)/\(execution.id)/\(field)")
    if klass.hasPrefix("array:") {
      return makeValue(String(klass.dropFirst("array:".count)), field: field, for: execution, at: time)
        .map { .array([$0]) }
    }
    switch klass {
    case "int": return .integer(Int(hash % 1000))
    case "float": return .double(Double(hash % 100_000) / 100)
    case "string": return .string("\(field)-\(execution.id.suffix(8))")
    case "boolean": return .bool(hash & 1 == 0)
    case "hash": return .object(["field": .string(field), "job": .string(execution.id)])
    case "file":
      let bytes = Data("\(field) of \(execution.id) (seed \(executions.seed))\n".utf8)
      return ["$dnanexus_link": .string(makeOutputFile(named: field, bytes: bytes, for: execution, at: time))]
    case "record":
      return ["$dnanexus_link": .string(makeOutputRecord(named: field, for: execution, at: time))]
    default:
      return nil
    }
  }

  private mutating func makeOutputFile(
    named name: String, bytes: Data, for execution: ExecutionState, at time: Int
  )
    -> String
  {
    let id = newID("file")
    var object = DataObjectState(
      id: id, klass: "file", created: time, modified: time, createdBy: execution.launchedBy)
    object.state = "closed"
    object.media = "text/plain"
    object.size = bytes.count
    object.parts = [1: FilePart(size: bytes.count, md5: BodyDigest.hex(Insecure.MD5.hash(data: bytes)))]
    object.copies[execution.project] = ObjectCopy(name: name, folder: execution.folder, added: time)
    ensureOutputFolder(execution)
    insertObject(object)
    storePart(id, index: 1, bytes: bytes)
    return id
  }

  private mutating func makeOutputRecord(named name: String, for execution: ExecutionState, at time: Int)
    -> String
  {
    let id = newID("record")
    var object = DataObjectState(
      id: id, klass: "record", created: time, modified: time, createdBy: execution.launchedBy)
    object.state = "closed"
    object.details = ["job": .string(execution.id)]
    object.copies[execution.project] = ObjectCopy(name: name, folder: execution.folder, added: time)
    ensureOutputFolder(execution)
    insertObject(object)
    return id
  }

  /// Creates the job's output folder (and its parents) when it is missing.
  private mutating func ensureOutputFolder(_ execution: ExecutionState) {
    guard let project = projects[execution.project], !project.folders.contains(execution.folder) else {
      return
    }
    _ = try? updateProject(execution.project) { (project: inout ProjectState) throws(DXPlatformError) in
      project.folders.insert(execution.folder)
    }
  }

  /// The 64-bit FNV-1a hash of `text` (stable across runs, unlike `Hasher`).
  static func fnv1a(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
      hash ^= UInt64(byte)
      hash &*= 0x0000_0100_0000_01B3
    }
    return hash
  }
}
