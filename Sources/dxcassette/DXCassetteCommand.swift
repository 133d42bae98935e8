import ArgumentParser
import DXCassette
import Foundation

/// `dxcassette`: inspects, converts, compares, audits and trims cassette files. Argument parsing only;
/// every command is a ``DXCassetteTool`` function in the DXCassette library.
///
/// Exit status: 0 success; 1 a finding (`diff`: the cassettes differ, `audit`: a secret was found);
/// 2 an error (one line on standard error). No command changes a cassette it only reads.
@main
struct DXCassetteCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dxcassette",
    abstract: "Inspect and maintain DXKit cassettes (.dxcassette SQLite files).",
    discussion: """
      Use it as a git textconv driver so `git diff` shows cassette changes as JSON:
        echo '*.dxcassette diff=dxcassette' >> .gitattributes
        git config diff.dxcassette.textconv "dxcassette export"
      Exit status: 0 success, 1 a finding (diff: differences, audit: secrets), 2 an error.
      """,
    subcommands: [
      List.self, Show.self, Export.self, Import.self, Diff.self, Audit.self, Redact.self, Prune.self,
      Stats.self, Migrate.self, Merge.self, Split.self, Verify.self,
    ])

  /// Parses and runs; every error is one line on standard error and exit status 2.
  static func main() {
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch let finding as Finding {
      Foundation.exit(finding.code)
    } catch let error as DXCassetteToolError {
      fail("\(error)")
    } catch {
      if exitCode(for: error) == .success { exit(withError: error) }  // --help, --version
      fail(message(for: error))
    }
  }

  static func fail(_ message: String) -> Never {
    let line = message.split(separator: "\n").first.map(String.init) ?? message
    FileHandle.standardError.write(Data("dxcassette: error: \(line)\n".utf8))
    Foundation.exit(2)
  }
}

/// A command's result that is not an error but still ends with a non-zero status.
struct Finding: Error {
  var code: Int32
}

extension DXCassetteInterchangeFormat: ExpressibleByArgument {}
extension DXCassetteTool.SplitKey: ExpressibleByArgument {}

/// Writes each note as a warning line on standard error.
func warn(_ notes: [String]) {
  for note in notes { FileHandle.standardError.write(Data("dxcassette: note: \(note)\n".utf8)) }
}

/// The contents of `path`, or of standard input for `-`.
func readInput(_ path: String) throws -> Data {
  if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
  guard let contents = FileManager.default.contents(atPath: path) else {
    throw DXCassetteToolError.fileNotFound(path)
  }
  return contents
}

/// Writes `text` to standard output, ending it with a newline when it has none.
func emit(_ text: String) {
  guard !text.isEmpty else { return }
  FileHandle.standardOutput.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
}

extension DXCassetteCommand {
  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List the interactions: id, method, path, outcome, recorded time.")

    @Argument(help: "The cassette file.")
    var cassette: String

    func run() throws { emit(try DXCassetteTool.list(cassette)) }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show one interaction in full, readably.")

    @Argument(help: "The cassette file.")
    var cassette: String

    @Argument(help: "The interaction's id (see `list`).")
    var id: Int64

    func run() throws { emit(try DXCassetteTool.show(cassette, id: id)) }
  }

  struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Print the cassette as readable JSON (stable order; works as a git textconv driver), HAR 1.2 or VCR.py YAML.",
      discussion: "What the format cannot hold is reported per interaction on standard error.")

    @Argument(help: "The cassette file.")
    var cassette: String

    @Option(name: .customLong("to"), help: "The format: json (default), har or vcrpy.")
    var format: DXCassetteInterchangeFormat = .json

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
    var output: String?

    func run() throws {
      let report = try DXCassetteTool.export(cassette, to: format)
      warn(report.notes)
      if let output {
        try DXCassetteTool.writeAtomically(Data(report.text.utf8), to: output)
      } else {
        emit(report.text)
      }
    }
  }

  struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Create a cassette from `export` JSON, a HAR file or a VCR.py cassette (refuses secrets like any recording).",
      discussion: "What the cassette cannot hold is reported per interaction on standard error.")

    @Option(name: .customLong("from"), help: "The file's format: json (default), har or vcrpy.")
    var format: DXCassetteInterchangeFormat = .json

    @Argument(help: "The file to import ('-' for standard input).")
    var file: String

    @Argument(help: "The cassette file to create.")
    var cassette: String

    @Option(name: .customLong("secret"), help: "A literal secret to redact as well (repeatable).")
    var secrets: [String] = []

    @Flag(help: "Replace the cassette if it exists.")
    var force = false

    func run() throws {
      let report = try DXCassetteTool.importFile(
        try readInput(file), from: format, to: cassette, replace: force, secrets: secrets)
      warn(report.notes)
      emit(report.text)
    }
  }

  struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Replay the cassette's read-only requests against a server; exit 1 when an answer drifted.",
      discussion: """
        Only describe*, find*, list*, whoami, getDetails and resolveDataObjects are sent (never a create,
        update or remove) unless --replay-writes is given, which is for a disposable server such as
        dx-mock-server. Timestamps and values the server assigned anew (object IDs, URLs) are ignored.
        """)

    @Argument(help: "The cassette file.")
    var cassette: String

    @Option(name: .customLong("against"), help: "The server's base URL, e.g. http://127.0.0.1:8124.")
    var base: String

    @Option(help: "The API token to send (default: $DX_SECURITY_CONTEXT's auth_token, else none).")
    var token: String?

    @Option(name: .customLong("ignore-field"), help: "A volatile JSON field to ignore as well (repeatable).")
    var ignoredFields: [String] = []

    @Flag(
      name: .customLong("replay-writes"),
      help: "Send every API request, writes too (disposable servers only).")
    var replayWrites = false

    func run() throws {
      let options = DXCassetteDriftCheck.Options(
        volatileFields: DXCassetteDriftCheck.Options.defaultVolatileFields.union(ignoredFields),
        replayWrites: replayWrites, token: token ?? environmentToken())
      let cassette = cassette
      let base = base
      let result = DXLockedBox<Result<DXCassetteTool.VerifyReport, DXCassetteToolError>?>(nil)
      let done = DispatchSemaphore(value: 0)
      Task.detached {
        do throws(DXCassetteToolError) {
          result.set(.success(try await DXCassetteTool.verify(cassette, against: base, options: options)))
        } catch {
          result.set(.failure(error))
        }
        done.signal()
      }
      done.wait()
      switch result.get() {
      case .success(let report)?:
        emit(report.text)
        if report.hasDrift { throw Finding(code: 1) }
      case .failure(let error)?:
        throw error
      case nil:
        throw DXCassetteToolError.invalidArgument("verify did not finish")
      }
    }

    /// The token of `DX_SECURITY_CONTEXT` (`{"auth_token": …}`), if set.
    func environmentToken() -> String? {
      guard let text = ProcessInfo.processInfo.environment["DX_SECURITY_CONTEXT"],
        let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
      else { return nil }
      return object["auth_token"] as? String
    }
  }

  struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Merge cassettes into a new one (input order, then recording order; new ids).")

    @Argument(help: "The cassette to create.")
    var output: String

    @Argument(help: "The cassettes to merge.")
    var inputs: [String]

    @Flag(help: "Replace the output if it exists.")
    var force = false

    func validate() throws {
      guard !inputs.isEmpty else { throw ValidationError("give at least one cassette to merge") }
    }

    func run() throws { emit(try DXCassetteTool.merge(inputs, into: output, replace: force)) }
  }

  struct Split: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Split a cassette into one cassette per route or per tag (the original is kept).")

    @Argument(help: "The cassette file.")
    var cassette: String

    @Option(name: .customLong("by"), help: "How to group: route or tag.")
    var key: DXCassetteTool.SplitKey

    @Option(name: .customLong("output-dir"), help: "Where to write the cassettes.")
    var directory: String

    @Flag(help: "Replace cassettes that exist there.")
    var force = false

    func run() throws { emit(try DXCassetteTool.split(cassette, by: key, into: directory, replace: force)) }
  }

  struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Compare two cassettes interaction by interaction (exit 1 when they differ).")

    @Argument(help: "The old cassette.")
    var old: String

    @Argument(help: "The new cassette.")
    var new: String

    func run() throws {
      let report = try DXCassetteTool.diff(old, new)
      emit(report.text)
      if !report.isIdentical { throw Finding(code: 1) }
    }
  }

  struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Look for secrets (tokens, bearer/JWT shapes) in every field; exit 1 on any (for CI).")

    @Argument(help: "The cassette files.")
    var cassettes: [String]

    @Option(name: .customLong("secret"), help: "A literal value that must not appear (repeatable).")
    var secrets: [String] = []

    func validate() throws {
      guard !cassettes.isEmpty else { throw ValidationError("give at least one cassette") }
    }

    func run() throws {
      var found = false
      for cassette in cassettes {
        let report = try DXCassetteTool.audit(cassette, secrets: secrets)
        emit(report.text)
        found = found || !report.isClean
      }
      if found { throw Finding(code: 1) }
    }
  }

  struct Redact: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Rewrite every secret in place (on a copy that atomically replaces the original).")

    @Argument(help: "The cassette file.")
    var cassette: String

    @Option(name: .customLong("secret"), help: "A literal value to redact as well (repeatable).")
    var secrets: [String] = []

    func run() throws { emit(try DXCassetteTool.redact(cassette, secrets: secrets)) }
  }

  struct Prune: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Drop the interactions a replay run did not use, from its usage log (one id a line).")

    @Argument(help: "The cassette file.")
    var cassette: String

    @Option(name: .customLong("usage-log"), help: "The usage log the replay wrote (--usage-log).")
    var usageLog: String

    @Flag(name: .customLong("dry-run"), help: "Only say what would be dropped.")
    var dryRun = false

    func run() throws { emit(try DXCassetteTool.prune(cassette, usageLog: usageLog, dryRun: dryRun)) }
  }

  struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Upgrade a cassette written by an older DXKit to the current schema, in place.")

    @Argument(help: "The cassette file.")
    var cassette: String

    func run() throws { emit(try DXCassetteTool.migrate(cassette)) }
  }

  struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Summarize the cassette: counts by route, status and outcome, sizes, time span.")

    @Argument(help: "The cassette file.")
    var cassette: String

    func run() throws { emit(try DXCassetteTool.stats(cassette)) }
  }
}
