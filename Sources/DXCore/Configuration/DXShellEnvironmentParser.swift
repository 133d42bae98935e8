/// Parses the seed's shell-style `environment` files: `export VAR=value`, `VAR="value"`,
/// `VAR='value'`, blank lines, `# comments` and `unset VAR` lines (ignored).
///
/// Double-quoted values honour the shell's backslash escapes (`\"`, `\\`, `\$`, `` \` ``, and a
/// backslash-newline continuation); single-quoted values are literal; unquoted values end at white space
/// or a `#` comment. Variable expansion (`$X`) is not performed: the text is kept literally.
enum DXShellEnvironmentParser {
  static func parse(_ text: String, path: String) throws(DXConfigurationError) -> [String: String] {
    var values: [String: String] = [:]
    let scalars = Array(text.unicodeScalars)
    var index = 0
    var line = 1

    func skipBlanks() {
      while index < scalars.count, scalars[index] == " " || scalars[index] == "\t" { index += 1 }
    }
    func skipToLineEnd() {
      while index < scalars.count, scalars[index] != "\n" { index += 1 }
    }
    func readWord() -> String {
      var word = ""
      while index < scalars.count, isNameScalar(scalars[index]) {
        word.unicodeScalars.append(scalars[index])
        index += 1
      }
      return word
    }

    func expectLineEnd(_ statementLine: Int, _ name: String) throws(DXConfigurationError) {
      guard index < scalars.count else { return }
      switch scalars[index] {
      case "\n", "\r": return
      case "#":
        skipToLineEnd()
      default:
        throw .malformedFile(
          path: path, key: name, line: statementLine, reason: "unexpected text after the value")
      }
    }

    while index < scalars.count {
      skipBlanks()
      guard index < scalars.count else { break }
      if scalars[index] == "\n" || scalars[index] == "\r" {
        if scalars[index] == "\n" { line += 1 }
        index += 1
        continue
      }
      if scalars[index] == "#" {
        skipToLineEnd()
        continue
      }
      let statementLine = line
      var name = readWord()
      if name == "export" || name == "unset" || name == "declare" {
        let keyword = name
        skipBlanks()
        if keyword == "declare", index < scalars.count, scalars[index] == "-" {
          while index < scalars.count, scalars[index] != " ", scalars[index] != "\t" { index += 1 }
          skipBlanks()
        }
        name = readWord()
        if keyword == "unset" {
          guard !name.isEmpty else {
            throw .malformedFile(path: path, line: statementLine, reason: "'unset' without a variable name")
          }
          values[name] = nil
          skipBlanks()
          try expectLineEnd(statementLine, name)
          continue
        }
      }
      guard !name.isEmpty, let first = name.unicodeScalars.first, !("0"..."9").contains(first) else {
        throw .malformedFile(path: path, line: statementLine, reason: "expected VAR=value")
      }
      guard index < scalars.count, scalars[index] == "=" else {
        throw .malformedFile(
          path: path, key: name, line: statementLine, reason: "expected '=' after the name")
      }
      index += 1
      var value = ""
      valueLoop: while index < scalars.count {
        let scalar = scalars[index]
        switch scalar {
        case "\"":
          index += 1
          var closed = false
          while index < scalars.count {
            let inner = scalars[index]
            if inner == "\"" {
              closed = true
              index += 1
              break
            }
            if inner == "\\", index + 1 < scalars.count {
              let next = scalars[index + 1]
              if next == "\"" || next == "\\" || next == "$" || next == "`" {
                value.unicodeScalars.append(next)
                index += 2
                continue
              }
              if next == "\n" {
                line += 1
                index += 2
                continue
              }
            }
            if inner == "\n" { line += 1 }
            value.unicodeScalars.append(inner)
            index += 1
          }
          guard closed else {
            throw .malformedFile(
              path: path, key: name, line: statementLine, reason: "unterminated double quote")
          }
        case "'":
          index += 1
          var closed = false
          while index < scalars.count {
            let inner = scalars[index]
            index += 1
            if inner == "'" {
              closed = true
              break
            }
            if inner == "\n" { line += 1 }
            value.unicodeScalars.append(inner)
          }
          guard closed else {
            throw .malformedFile(
              path: path, key: name, line: statementLine, reason: "unterminated single quote")
          }
        case "\\":
          guard index + 1 < scalars.count else {
            throw .malformedFile(path: path, key: name, line: statementLine, reason: "trailing backslash")
          }
          if scalars[index + 1] == "\n" {
            line += 1
          } else {
            value.unicodeScalars.append(scalars[index + 1])
          }
          index += 2
        case " ", "\t", "\n", "\r", ";":
          break valueLoop
        default:
          value.unicodeScalars.append(scalar)
          index += 1
        }
      }
      values[name] = value
      skipBlanks()
      if index < scalars.count, scalars[index] == ";" {
        index += 1
        continue
      }
      try expectLineEnd(statementLine, name)
    }
    return values
  }

  private static func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
    ("A"..."Z").contains(scalar) || ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
      || scalar == "_"
  }
}
