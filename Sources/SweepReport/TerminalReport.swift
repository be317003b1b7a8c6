import Foundation
import SweepCore

/// `sweep show`: the leaderboard and the chosen model in a terminal, fitted to its width.
/// Columns that do not fit are left out (and named), numbers are shown with 4 decimals
/// (`leaderboard.csv` has them in full).
public enum TerminalReport {
    /// Settings of the view.
    public struct Options: Sendable {
        /// Characters per line.
        public var width: Int
        /// Leaderboard rows shown (nil: all).
        public var top: Int?
        /// ANSI bold and colours for the banners and the header.
        public var color: Bool

        /// Options from their parts.
        public init(width: Int, top: Int? = 20, color: Bool = false) {
            self.width = max(40, width)
            self.top = top
            self.color = color
        }
    }

    /// The text (lines end with `\n`).
    public static func render(_ model: ReportModel, _ options: Options) -> String {
        var out: [String] = []
        let p = model.progress
        let bold = { (s: String) in options.color ? "\u{1B}[1m\(s)\u{1B}[0m" : s }
        let alert = { (s: String) in options.color ? "\u{1B}[1;31m\(s)\u{1B}[0m" : s }
        out.append(bold("\(model.sweep): \(p.finished)/\(p.planned) trials finished · ")
                   + TrialState.allCases.map { "\(p.count($0)) \($0.rawValue)" }.joined(separator: ", ")
                   + " · \(Format.duration(p.trialSeconds)) of trial time")
        if model.provenance.syntheticData { out.append(contentsOf: wrap(alert("!! SYNTHETIC DATA: the generated stand-in, not real images; scores show the machinery only."), options.width)) }
        if model.provenance.randomTrunk { out.append(contentsOf: wrap(alert("!! RANDOM TRUNK WEIGHTS (\(model.provenance.weightsIdentity ?? "random")): features far weaker than ImageNet's."), options.width)) }
        if let data = model.provenance.data { out.append(contentsOf: wrap("data:  " + data, options.width)) }
        if let trunk = model.provenance.trunk { out.append(contentsOf: wrap("trunk: " + trunk, options.width)) }
        out.append("")
        out.append(contentsOf: leaderboard(model, options))
        if let chosen = model.chosen {
            out.append("")
            out.append(contentsOf: chosenModel(chosen, model, options))
        }
        if !model.failures.isEmpty {
            out.append("")
            out.append(bold("not complete (\(model.failures.count)):"))
            for f in model.failures.prefix(options.top ?? Int.max) {
                out.append(contentsOf: wrap("  \(f.id) \(f.state.rawValue): \(f.reason)", options.width, indent: 4))
            }
            if let top = options.top, model.failures.count > top { out.append("  … \(model.failures.count - top) more (sweep show --all)") }
        }
        return out.map { $0 + "\n" }.joined()
    }

    /// The leaderboard: rank, id, state, the objective, the parameters, best epoch, the other
    /// metrics, in that order of priority; columns that do not fit the width are dropped.
    static func leaderboard(_ model: ReportModel, _ options: Options) -> [String] {
        let table = model.leaderboard
        guard !table.rows.isEmpty else { return ["no finished trial yet"] }
        let objective = "val_" + model.objective.metric
        let names = table.header
        var priority = ["rank", "id", "state", objective] + model.parameters.map(\.name) + ["best_epoch"]
        priority += names.filter { $0.hasPrefix("val_") && !priority.contains($0) }
        priority += names.filter { !priority.contains($0) }
        let rows = options.top.map { Array(table.rows.prefix($0)) } ?? table.rows
        // Metrics, losses and times are rounded to 4 decimals; the parameters' own values are not.
        let verbatim = Set(["rank", "id", "state", "best_epoch"] + model.parameters.map(\.name))
        func shown(_ cell: String, _ column: String) -> String {
            guard !verbatim.contains(column), let dot = cell.firstIndex(of: "."), cell[dot...].count > 5,
                  let x = Double(cell), x.isFinite else { return cell }
            return Format.fixed(x)
        }
        var chosen: [(index: Int, width: Int)] = []
        var used = 0
        var dropped: [String] = []
        for name in priority {
            guard let k = names.firstIndex(of: name) else { continue }
            let w = max(name.count, rows.map { shown($0[k], name).count }.max() ?? 0)
            if used + w + (chosen.isEmpty ? 0 : 2) <= options.width {
                used += w + (chosen.isEmpty ? 0 : 2)
                chosen.append((k, w))
            } else {
                dropped.append(name)
            }
        }
        chosen.sort { $0.index < $1.index }
        func line(_ cells: [String]) -> String {
            zip(chosen, cells).map { c, s in
                let numeric = Double(s) != nil
                return numeric ? String(repeating: " ", count: max(0, c.width - s.count)) + s : s.padding(toLength: c.width, withPad: " ", startingAt: 0)
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        var out = [line(chosen.map { names[$0.index] }), String(repeating: "-", count: min(options.width, used))]
        for row in rows { out.append(line(chosen.map { shown(row[$0.index], names[$0.index]) })) }
        if rows.count < table.rows.count { out.append("… \(table.rows.count - rows.count) more rows (sweep show --all, or leaderboard.csv)") }
        if !dropped.isEmpty { out.append(contentsOf: wrap("(not shown at this width: \(dropped.joined(separator: ", ")); see leaderboard.csv)", options.width)) }
        return out
    }

    static func chosenModel(_ chosen: ChosenModel, _ model: ReportModel, _ options: Options) -> [String] {
        var out = ["chosen model: best/ -> checkpoints/\(chosen.id)" + (chosen.bestEpoch.map { ", epoch \($0)" } ?? "")]
        let metrics = chosen.validation.keys.sorted().map { "\($0) \(Format.fixed(chosen.validation[$0]))" }
        out.append(contentsOf: wrap("  validation: " + metrics.joined(separator: ", "), options.width, indent: 4))
        if let test = chosen.test {
            out.append(contentsOf: wrap("  test: " + test.keys.sorted().map { "\($0) \(Format.fixed(test[$0]))" }.joined(separator: ", "), options.width, indent: 4))
        }
        guard let e = chosen.evaluation else {
            out.append("  (no validation scores saved in this checkpoint: per-class numbers unavailable)")
            return out
        }
        let width = max(5, min(16, chosen.classNames.map(\.count).max() ?? 5))
        out.append("  " + "class".padding(toLength: width, withPad: " ", startingAt: 0) + "  threshold  precision  recall     F1  support")
        for (c, s) in e.perClass.enumerated() {
            let name = String(chosen.classNames[c].prefix(width)).padding(toLength: width, withPad: " ", startingAt: 0)
            out.append("  " + name + String(format: "  %9.4g  %9.3f  %6.3f  %5.3f  %7d", chosen.thresholds[c], s.precision, s.recall, s.f1, s.support))
        }
        return out
    }

    /// Splits `text` into lines of at most `width` characters at spaces.
    static func wrap(_ text: String, _ width: Int, indent: Int = 2) -> [String] {
        guard text.count > width else { return [text] }
        let lead = String(text.prefix { $0 == " " })
        var lines: [String] = []
        var current = lead
        for word in text.dropFirst(lead.count).split(separator: " ") {
            if current.count > lead.count && current.count + 1 + word.count > width {
                lines.append(current)
                current = String(repeating: " ", count: indent) + word
            } else {
                current += (current.count > lead.count ? " " : "") + word
            }
        }
        if current.count > lead.count { lines.append(current) }
        return lines
    }
}
