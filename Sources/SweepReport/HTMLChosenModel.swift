import Foundation
import SweepCore

extension HTMLReport {
    /// The chosen model: where it comes from, per-class precision/recall/F1 at its thresholds,
    /// precision-recall curves and the table of true against predicted labels (validation), the
    /// test split's result when there is one.
    static func chosen(_ model: ReportModel) -> String {
        guard let chosen = model.chosen else {
            return section("chosen", "Chosen model", "<p>No model yet: <code>best/</code> is made when a trial completes.</p>")
        }
        let names = model.parameters.map(\.name)
        var body = "<p><code>best/</code> → <code>checkpoints/\(HTML.escape(chosen.id))</code>: "
            + HTML.escape(chosen.selection ?? "the head of the top-ranked trial")
            + (names.isEmpty ? "" : " (" + HTML.escape(Format.parameters(chosen.parameters, order: names)) + ")")
            + (chosen.bestEpoch.map { ", weights of epoch \($0)" } ?? "") + ".</p>"
        let metrics = chosen.validation.keys.sorted()
        body += "<table class=\"kv\" id=\"chosen-metrics\"><tr><th>validation</th>"
            + metrics.map { "<td><b>\(HTML.escape($0))</b> \(Format.fixed(chosen.validation[$0]))</td>" }.joined() + "</tr>"
        if let test = chosen.test {
            body += "<tr><th>test split</th>" + test.keys.sorted().map { "<td><b>\(HTML.escape($0))</b> \(Format.fixed(test[$0]))</td>" }.joined() + "</tr>"
        } else {
            body += "<tr><th>test split</th><td colspan=\"\(max(1, metrics.count))\"><i>none: this sweep holds out no test split, so the validation numbers above chose this model and are optimistic</i></td></tr>"
        }
        body += "</table>"
        guard let evaluation = chosen.evaluation else {
            body += "<p class=\"note\">This checkpoint has no saved validation scores (<code>val_scores.npy</code>; heads written by older versions of sweep), "
                + "so per-class numbers cannot be shown. Run the trial again (<code>sweep run … --rerun ID</code>) to get them.</p>"
            return section("chosen", "Chosen model", body)
        }
        body += "<div class=\"multiples\"><div class=\"panel\">" + perClass(chosen, evaluation) + "</div><div class=\"chart\">" + PRChart.render(chosen, evaluation) + "</div></div>"
        body += cooccurrence(chosen, evaluation)
        return section("chosen", "Chosen model", body)
    }

    static func perClass(_ chosen: ChosenModel, _ e: ValidationEvaluation) -> String {
        var out = "<h3>Per class on the validation split (\(e.rows) images)</h3><table id=\"per-class\" class=\"data\"><thead><tr>"
            + "<th>class</th><th>threshold</th><th>precision</th><th>recall</th><th>F1</th><th>support</th><th>predicted</th><th>AP</th></tr></thead><tbody>"
        for (c, s) in e.perClass.enumerated() {
            out += "<tr data-class=\"\(HTML.escape(chosen.classNames[c]))\"><td><span class=\"swatch\" style=\"background:\(Palette.category(c))\"></span>\(HTML.escape(chosen.classNames[c]))</td>"
                + "<td>\(chosen.thresholds[c])</td><td>\(Format.fixed(s.precision, 3))</td><td>\(Format.fixed(s.recall, 3))</td>"
                + "<td>\(Format.fixed(s.f1, 3))</td><td>\(s.support)</td><td>\(s.tp + s.fp)</td><td>\(Format.fixed(e.curves[c].averagePrecision, 3))</td></tr>"
        }
        let macro = e.perClass.map(\.f1).reduce(0, +) / Double(max(1, e.perClass.count))
        out += "</tbody><tfoot><tr><td>macro mean</td><td></td><td></td><td></td><td>\(Format.fixed(macro, 3))</td><td></td><td></td><td></td></tr></tfoot></table>"
        out += "<p class=\"note\">A class is predicted when its probability is above its threshold. AP: average precision (area under the step curve).</p>"
        return out
    }

    static func cooccurrence(_ chosen: ChosenModel, _ e: ValidationEvaluation) -> String {
        let names = chosen.classNames
        let peak = Double(max(1, e.cooccurrence.flatMap { $0 }.max() ?? 1))
        var out = "<h3>True against predicted labels (validation)</h3><p class=\"note\">Row: a true label; column: a predicted label; "
            + "cell: images with both. The diagonal is each class's true positives; off the diagonal, which labels are predicted instead or as well. "
            + "An image with several labels counts in several cells.</p>"
        out += "<div class=\"scroll\"><table id=\"cooccurrence\" class=\"data heat\"><thead><tr><th>true \\ predicted</th>"
        out += names.map { "<th>\(HTML.escape($0))</th>" }.joined() + "<th>nothing predicted</th></tr></thead><tbody>"
        for i in 0...names.count {
            let rowName = i < names.count ? names[i] : "no true label"
            out += "<tr><th>\(HTML.escape(rowName))</th>"
            for j in 0...names.count {
                let n = e.cooccurrence[i][j]
                let alpha = Double(n) / peak * 0.85
                let style = n == 0 ? "" : " style=\"background:rgba(0,114,178,\(String(format: "%.2f", alpha)))\(alpha > 0.45 ? ";color:#fff" : "")\""
                out += "<td\(i == j && i < names.count ? " class=\"diagonal\"" : "")\(style)>\(n)</td>"
            }
            out += "</tr>"
        }
        return out + "</tbody></table></div>"
    }
}
