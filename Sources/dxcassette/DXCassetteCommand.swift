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
      Stats.self, Migrate.self,
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
      abstract: "Print the cassette as readable JSON (stable order; works as a git textconv driver).")

    @Argument(help: "The cassette file.")
    var cassette: String

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
    var output: String?

    func run() throws {
      let text = try DXCassetteTool.export(cassette)
      if let output {
        try DXCassetteTool.writeAtomically(Data(text.utf8), to: output)
      } else {
        emit(text)
      }
    }
  }

  struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Create a cassette from `export` JSON (refuses secrets like any recording).")

    @Argument(help: "The export JSON file ('-' for standard input).")
    var json: String

    @Argument(help: "The cassette file to create.")
    var cassette: String

    @Flag(help: "Replace the cassette if it exists.")
    var force = false

    func run() throws {
      let data: Data
      if json == "-" {
        data = FileHandle.standardInput.readDataToEndOfFile()
      } else {
        guard let contents = FileManager.default.contents(atPath: json) else {
          throw DXCassetteToolError.fileNotFound(json)
        }
        data = contents
      }
      emit(try DXCassetteTool.importExport(data, to: cassette, replace: force))
    }
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
