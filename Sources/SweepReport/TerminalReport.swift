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
        let counts = TrialState.allCases.map { "\(p.count($0)) \($0.rawValue)" }.joined(separator: ", ")
        out.append(contentsOf: wrap("\(model.sweep): \(p.finished)/\(p.planned) trials finished · \(counts) · "
                                    + "\(Format.duration(p.trialSeconds)) of trial time", options.width).map(bold))
        if model.provenance.syntheticData { out.append(contentsOf: wrap("!! SYNTHETIC DATA: the generated stand-in, not real images; scores show the machinery only.", options.width).map(alert)) }
        if model.provenance.randomTrunk { out.append(contentsOf: wrap("!! RANDOM TRUNK WEIGHTS (\(model.provenance.weightsIdentity ?? "random")): features far weaker than ImageNet's.", options.width).map(alert)) }
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

    /// The leaderboard: id, the objective, rank, state, the parameters, best epoch, the other
    /// metrics, in that order of priority; columns that do not fit the width are dropped.
    static func leaderboard(_ model: ReportModel, _ options: Options) -> [String] {
        let table = model.leaderboard
        guard !table.rows.isEmpty else { return ["no finished trial yet"] }
        let names = table.header
        var priority = ["id", "val_" + model.objective.metric, "rank", "state"] + model.parameters.map(\.name) + ["best_epoch"]
        priority += names.filter { $0.hasPrefix("val_") && !priority.contains($0) }
        priority += names.filter { !priority.contains($0) }
        let rows = options.top.map { Array(table.rows.prefix($0)) } ?? table.rows
        // Metrics, losses and times are rounded to 4 decimals; the parameters' own values are not.
        let verbatim = Set(["rank", "id", "state", "best_epoch"] + model.parameters.map(\.name))
        // A column with a number of more than 4 decimals is shown with 4 decimals throughout.
        let rounded = names.indices.map { k in
            !verbatim.contains(names[k]) && rows.contains { row in row[k].firstIndex(of: ".").map { row[k][$0...].count > 5 } ?? false }
        }
        let shown = rows.map { row in
            row.enumerated().map { k, cell -> String in
                guard rounded[k], let x = Double(cell), x.isFinite else { return cell }
                return Format.fixed(x)
            }
        }
        var out = fit(header: names, rows: shown, priority: priority, width: options.width)
        if rows.count < table.rows.count { out.append("… \(table.rows.count - rows.count) more rows (sweep show --all, or leaderboard.csv)") }
        return out
    }

    /// Columns by `priority` while they fit `width` (two spaces apart), shown in header order;
    /// numbers right-aligned; a last line names the columns left out.
    static func fit(header: [String], rows: [[String]], priority: [String], width: Int, indent: String = "") -> [String] {
        var chosen: [(index: Int, width: Int)] = []
        var used = indent.count
        var dropped: [String] = []
        for name in priority {
            guard let k = header.firstIndex(of: name) else { continue }
            let w = max(name.count, rows.map { $0[k].count }.max() ?? 0)
            if used + w + (chosen.isEmpty ? 0 : 2) <= width {
                used += w + (chosen.isEmpty ? 0 : 2)
                chosen.append((k, w))
            } else {
                dropped.append(name)
            }
        }
        chosen.sort { $0.index < $1.index }
        func line(_ cells: [String]) -> String {
            var text = indent + zip(chosen, cells).map { c, s in
                Double(s) != nil ? String(repeating: " ", count: max(0, c.width - s.count)) + s
                                 : s.padding(toLength: c.width, withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text
        }
        var out = [line(chosen.map { header[$0.index] }), indent + String(repeating: "-", count: max(0, used - indent.count))]
        for row in rows { out.append(line(chosen.map { row[$0.index] })) }
        if !dropped.isEmpty {
            out.append(contentsOf: wrap(indent + "(not shown at this width: \(dropped.joined(separator: ", ")))", width))
        }
        return out
    }

    static func chosenModel(_ chosen: ChosenModel, _ model: ReportModel, _ options: Options) -> [String] {
        var out = wrap("chosen model: best/ -> \(chosen.id == "refit" ? "refit" : "checkpoints/" + chosen.id)"
                       + (chosen.bestEpoch.map { ", epoch \($0)" } ?? ""), options.width)
        if let selection = chosen.selection { out.append(contentsOf: wrap("  " + selection, options.width, indent: 4)) }
        let metrics = chosen.validation.keys.sorted().map { "\($0) \(Format.fixed(chosen.validation[$0]))" }
        out.append(contentsOf: wrap("  validation: " + metrics.joined(separator: ", "), options.width, indent: 4))
        if let test = chosen.test {
            out.append(contentsOf: wrap("  test: " + test.keys.sorted().map { "\($0) \(Format.fixed(test[$0]))" }.joined(separator: ", "), options.width, indent: 4))
        }
        guard let e = chosen.evaluation else {
            out.append(contentsOf: wrap("  (no validation scores saved in this checkpoint: per-class numbers unavailable)", options.width))
            return out
        }
        let header = ["class", "precision", "recall", "F1", "support", "threshold"]
        let rows = e.perClass.enumerated().map { c, s in
            [chosen.classNames[c], Format.fixed(s.precision, 3), Format.fixed(s.recall, 3), Format.fixed(s.f1, 3), "\(s.support)",
             "\(chosen.thresholds[c])"]
        }
        out.append(contentsOf: fit(header: header, rows: rows, priority: ["class", "F1", "precision", "recall", "support", "threshold"],
                                   width: options.width, indent: "  "))
        return out
    }

    /// Splits `text` into lines of at most `width` characters at spaces.
    static func wrap(_ text: String, _ width: Int, indent: Int = 2) -> [String] {
        guard text.count > width else { return [text] }
        let lead = String(text.prefix { $0 == " " })
        var lines: [String] = []
        var current = lead
        let room = max(8, width - indent)
        let words = text.dropFirst(lead.count).split(separator: " ").flatMap { word -> [Substring] in
            // A word longer than a line (a path) is cut into pieces that fit.
            guard word.count > room else { return [word] }
            return stride(from: 0, to: word.count, by: room).map { k in
                word.dropFirst(k).prefix(room)
            }
        }
        for word in words {
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
