/// "Did you mean" suggestions for misspelt keys and names, by optimal-string-alignment
/// distance (Levenshtein plus adjacent transpositions, so `dropuot` is one edit from `dropout`).

/// The edit distance between two strings, counting insertions, deletions, substitutions
/// and transpositions of adjacent characters as one edit each.
func editDistance(_ a: String, _ b: String) -> Int {
    let s = Array(a), t = Array(b)
    if s.isEmpty { return t.count }
    if t.isEmpty { return s.count }
    // d[i][j]: distance between the first i characters of s and the first j of t.
    var d = [[Int]](repeating: [Int](repeating: 0, count: t.count + 1), count: s.count + 1)
    for i in 0...s.count { d[i][0] = i }
    for j in 0...t.count { d[0][j] = j }
    for i in 1...s.count {
        for j in 1...t.count {
            let cost = s[i - 1] == t[j - 1] ? 0 : 1
            var best = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 && j > 1 && s[i - 1] == t[j - 2] && s[i - 2] == t[j - 1] {
                best = min(best, d[i - 2][j - 2] + 1)
            }
            d[i][j] = best
        }
    }
    return d[s.count][t.count]
}

/// The candidate closest to `word`, if it is close enough to be a likely typo
/// (at most 2 edits, and fewer than half the word's length). Ties go to the earlier candidate.
func closest(to word: String, in candidates: [String]) -> String? {
    let limit = min(2, max(1, (word.count - 1) / 2))
    var best: (name: String, distance: Int)?
    for c in candidates {
        let d = editDistance(word.lowercased(), c.lowercased())
        if d <= limit && d < (best?.distance ?? Int.max) { best = (c, d) }
    }
    return best?.name
}

/// ` (did you mean 'x'?)` when a close candidate exists, else the empty string.
func didYouMean(_ word: String, _ candidates: [String]) -> String {
    guard let c = closest(to: word, in: candidates) else { return "" }
    return " (did you mean '\(c)'?)"
}
