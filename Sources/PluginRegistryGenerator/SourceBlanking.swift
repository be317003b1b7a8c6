/// Blanks the comments and string literals of Swift source so that declarations and braces can
/// be found with a regular expression: every byte inside them becomes a space (newlines stay,
/// so offsets and line numbers are unchanged). Handles nested block comments, raw strings
/// (`#"..."#`), multi-line strings and interpolations (`"\(f("x"))"`).
enum SourceBlanking {
    private enum Mode {
        /// Plain code; inside an interpolation, the depth of open parentheses.
        case code(interpolationParens: Int?)
        case string(hashes: Int, multiline: Bool)
    }

    /// - Parameters:
    ///   - source: UTF-8 bytes of a Swift file.
    ///   - strings: blank string literals too (false: only comments, for code identities).
    /// - Returns: the same number of bytes, comments and (unless `strings` is false) literal contents blanked.
    static func blank(_ source: [UInt8], strings: Bool = true) -> [UInt8] {
        let quote = UInt8(ascii: "\""), hash = UInt8(ascii: "#"), slash = UInt8(ascii: "/")
        let star = UInt8(ascii: "*"), newline = UInt8(ascii: "\n"), backslash = UInt8(ascii: "\\")
        var out = source
        let n = source.count
        func at(_ i: Int) -> UInt8 { i < n ? source[i] : 0 }
        func blank(_ range: Range<Int>) {
            for k in range where k < n && out[k] != newline { out[k] = UInt8(ascii: " ") }
        }
        /// Blanks part of a string literal (its delimiters, contents, interpolation markers).
        func blankLiteral(_ range: Range<Int>) { if strings { blank(range) } }
        var stack: [Mode] = [.code(interpolationParens: nil)]
        var i = 0
        while i < n {
            guard let mode = stack.last else { break }
            switch mode {
            case .code(let parens):
                let b = source[i]
                if b == slash && at(i + 1) == slash {
                    var j = i
                    while j < n && source[j] != newline { j += 1 }
                    blank(i..<j)
                    i = j
                } else if b == slash && at(i + 1) == star {
                    var depth = 0, j = i
                    repeat {
                        if at(j) == slash && at(j + 1) == star { depth += 1; j += 2 }
                        else if at(j) == star && at(j + 1) == slash { depth -= 1; j += 2 }
                        else { j += 1 }
                    } while depth > 0 && j < n
                    blank(i..<j)
                    i = j
                } else if b == quote || b == hash {
                    var j = i
                    while at(j) == hash { j += 1 }
                    guard at(j) == quote else { i = j; continue }   // `#if`, `#available`, ...
                    let multiline = at(j + 1) == quote && at(j + 2) == quote
                    let end = j + (multiline ? 3 : 1)
                    blankLiteral(i..<end)
                    stack.append(.string(hashes: j - i, multiline: multiline))
                    i = end
                } else if let p = parens, b == UInt8(ascii: "(") {
                    stack[stack.count - 1] = .code(interpolationParens: p + 1)
                    i += 1
                } else if let p = parens, b == UInt8(ascii: ")") {
                    if p == 0 { stack.removeLast(); blankLiteral(i..<(i + 1)) }
                    else { stack[stack.count - 1] = .code(interpolationParens: p - 1) }
                    i += 1
                } else {
                    i += 1
                }
            case .string(let hashes, let multiline):
                let b = source[i]
                if b == backslash && (0..<hashes).allSatisfy({ at(i + 1 + $0) == hash }) {
                    let k = i + 1 + hashes
                    if at(k) == UInt8(ascii: "(") {
                        blankLiteral(i..<(k + 1))
                        stack.append(.code(interpolationParens: 0))
                        i = k + 1
                    } else {
                        blankLiteral(i..<(k + 1))
                        i = k + 1
                    }
                } else if b == quote {
                    let q = multiline ? 3 : 1
                    let closes = (0..<q).allSatisfy { at(i + $0) == quote }
                        && (0..<hashes).allSatisfy { at(i + q + $0) == hash }
                    if closes {
                        blankLiteral(i..<(i + q + hashes))
                        stack.removeLast()
                        i += q + hashes
                    } else {
                        blankLiteral(i..<(i + 1))
                        i += 1
                    }
                } else {
                    blankLiteral(i..<(i + 1))
                    i += 1
                }
            }
        }
        return out
    }

    /// The brace depth before each byte of blanked source.
    static func braceDepths(_ code: [UInt8]) -> [Int] {
        var depths = [Int](repeating: 0, count: code.count)
        var depth = 0
        for (k, b) in code.enumerated() {
            depths[k] = depth
            if b == UInt8(ascii: "{") { depth += 1 } else if b == UInt8(ascii: "}") { depth -= 1 }
        }
        return depths
    }
}
