import Foundation
import SweepCore

/// The report as one self-contained HTML page: inline CSS and SVG, a few lines of inline
/// JavaScript to sort the leaderboard, nothing fetched (it works from `file://` offline).
/// Leaderboard cells are `leaderboard.csv`'s, character for character.
public enum HTMLReport {
    /// The page of `model`.
    public static func render(_ model: ReportModel) -> String {
        var page = ""
        page.reserveCapacity(64 * 1024 + model.leaderboard.rows.count * 1200)
        page += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        page += "<title>\(HTML.escape("sweep report: \(model.sweep)"))</title><style>\(HTMLStyle.css)</style></head><body>"
        page += header(model)
        page += banners(model.provenance)
        page += "<main>"
        page += provenance(model)
        page += summary(model)
        page += configurationTable(model)
        page += leaderboard(model)
        page += parameters(model)
        page += curves(model)
        page += chosen(model)
        page += failures(model)
        page += "</main><footer>Written by <code>sweep report</code> from <code>trials.jsonl</code>, <code>context.json</code> and <code>best/</code>; "
        page += "numbers in the leaderboard are exactly those of <code>leaderboard.csv</code>.</footer>"
        page += "<script>\(HTMLStyle.script)</script></body></html>\n"
        return page
    }

    static func section(_ id: String, _ title: String, _ body: String) -> String {
        "<section id=\"\(id)\"><h2>\(HTML.escape(title))</h2>\(body)</section>"
    }

    static func header(_ model: ReportModel) -> String {
        let p = model.progress
        let status = p.finished >= p.planned ? "finished" : "\(p.finished) of \(p.planned) trials finished (running or stopped: reload to refresh)"
        return "<header><h1>sweep <span class=\"name\">\(HTML.escape(model.sweep))</span></h1>"
            + "<p class=\"sub\">\(HTML.escape(status)) · objective <b>\(HTML.escape(model.objective.label))</b> (\(model.objective.direction.rawValue)) · report generated \(Format.date(model.generated))</p>"
            + "<nav><a href=\"#provenance\">provenance</a><a href=\"#summary\">trials</a><a href=\"#leaderboard-section\">leaderboard</a>"
            + "<a href=\"#parameters\">parameters</a><a href=\"#curves\">learning curves</a><a href=\"#chosen\">chosen model</a><a href=\"#failures\">failures</a></nav></header>"
    }

    static func banners(_ p: Provenance) -> String {
        var out = ""
        if p.syntheticData {
            out += "<div class=\"banner synthetic\" role=\"alert\"><b>SYNTHETIC DATA.</b> These results come from the generated stand-in for the data set, "
                + "not from real images: they show the machinery, not how well the model would do.</div>"
        }
        if p.randomTrunk {
            out += "<div class=\"banner random-trunk\" role=\"alert\"><b>RANDOM TRUNK WEIGHTS.</b> The ResNet50 trunk has random weights "
                + "(\(HTML.escape(p.weightsIdentity ?? "random"))), not ImageNet's: its features are far weaker, so scores are far below what the real weights give.</div>"
        }
        if !p.pluginCheckFailures.isEmpty {
            out += "<div class=\"banner plugins\" role=\"alert\"><b>PLUGINS THAT FAIL THE SHARED SUITE</b> were used (<code>--allow-failing-plugins</code>): "
                + p.pluginCheckFailures.map(HTML.escape).joined(separator: "; ") + "</div>"
        }
        return out
    }

    static func provenance(_ model: ReportModel) -> String {
        let p = model.provenance
        func row(_ key: String, _ value: String?) -> String {
            "<tr><th>\(key)</th><td>\(value.map(HTML.escape) ?? "<i>not recorded yet</i>")</td></tr>"
        }
        var split: String?
        if let t = p.trainRows, let v = p.validationRows { split = "\(t) training, \(v) validation rows" }
        let body = "<table class=\"kv\">" + row("data set", p.data) + row("split", split) + row("trunk", p.trunk)
            + row("trunk weights identity", p.weightsIdentity) + row("feature cache key", p.featureCacheKey)
            + row("sweep file (resolved)", p.sweepFile) + "</table>"
        return section("provenance", "Provenance", body)
    }

    static func summary(_ model: ReportModel) -> String {
        let p = model.progress
        let counts = TrialState.allCases.map { "data-\($0.rawValue)=\"\(p.count($0))\"" }.joined(separator: " ")
        var body = "<div id=\"counts\" \(counts) data-planned=\"\(p.planned)\" data-finished=\"\(p.finished)\">"
        body += "<p class=\"big\">\(p.finished) of \(p.planned) trials finished: "
        body += TrialState.allCases.map { "<span class=\"state \($0.rawValue)\">\(p.count($0)) \($0.rawValue)</span>" }.joined(separator: " · ")
        body += "</p>" + StateBar.render(p)
        body += "<p>Time: \(Format.duration(p.trialSeconds)) of trial time"
        if p.finished > 0 { body += " (\(Format.duration(p.trialSeconds / Double(p.finished))) per trial)" }
        body += ", \(Format.duration(p.wallSeconds)) from the first trial's start to the last one's end"
        if let first = p.first, let last = p.last { body += " (\(Format.date(first)) to \(Format.date(last)))" }
        body += ".</p></div>"
        return section("summary", "Trials", body)
    }

    static func leaderboard(_ model: ReportModel) -> String {
        let table = model.leaderboard
        guard !table.rows.isEmpty else { return section("leaderboard-section", "Leaderboard", "<p>No finished trial yet.</p>") }
        let stateColumn = table.header.firstIndex(of: "state")
        let objectiveColumn = table.header.firstIndex(of: "val_" + model.objective.metric)
        var body = "<p class=\"note\">One row per run (a configuration with a seed and fold), ranked by \(HTML.escape(model.objective.label)) "
            + "(complete runs first). Click a column to sort by it. The same cells as <code>runs.csv</code>.</p>"
        body += "<div class=\"scroll\"><table id=\"leaderboard\" class=\"sortable data\"><thead><tr>"
        for (k, name) in table.header.enumerated() {
            body += "<th scope=\"col\"\(k == objectiveColumn ? " class=\"objective\"" : "")>\(HTML.escape(name))</th>"
        }
        body += "</tr></thead><tbody>"
        for (i, row) in table.rows.enumerated() {
            let id = i < model.configurations.count ? model.configurations[i].id : ""
            let state = stateColumn.map { row[$0] } ?? ""
            body += "<tr data-id=\"\(HTML.escape(id))\" class=\"\(HTML.escape(state))\">"
            for (k, cell) in row.enumerated() {
                if k == stateColumn {
                    body += "<td><span class=\"state \(HTML.escape(cell))\">\(HTML.escape(cell))</span></td>"
                } else {
                    body += k == objectiveColumn ? "<td class=\"objective\">\(HTML.escape(cell))</td>" : "<td>\(HTML.escape(cell))</td>"
                }
            }
            body += "</tr>"
        }
        body += "</tbody></table></div>"
        return section("leaderboard-section", "Leaderboard", body)
    }

    /// The configurations' leaderboard (`leaderboard.csv`): mean ± sd and interval over each
    /// configuration's runs; shown when some configuration has more than one run.
    static func configurationTable(_ model: ReportModel) -> String {
        guard let table = model.configurationBoard, !table.rows.isEmpty,
              model.configurations.count > table.rows.count else { return "" }
        let meanColumn = table.header.firstIndex(of: "objective_mean")
        var body = "<p class=\"note\">One row per configuration, ranked by the mean \(HTML.escape(model.objective.label)) over its runs "
            + "(sd with n - 1; a 95% Student t interval). Click a column to sort by it. The same cells as <code>leaderboard.csv</code>.</p>"
        body += "<div class=\"scroll\"><table id=\"configurations\" class=\"sortable data\"><thead><tr>"
        for (k, name) in table.header.enumerated() {
            body += "<th scope=\"col\"\(k == meanColumn ? " class=\"objective\"" : "")>\(HTML.escape(name))</th>"
        }
        body += "</tr></thead><tbody>"
        for row in table.rows {
            body += "<tr>"
            for (k, cell) in row.enumerated() {
                body += k == meanColumn ? "<td class=\"objective\">\(HTML.escape(cell))</td>" : "<td>\(HTML.escape(cell))</td>"
            }
            body += "</tr>"
        }
        body += "</tbody></table></div>"
        return section("configurations-section", "Configurations", body)
    }

    static func parameters(_ model: ReportModel) -> String {
        guard !model.parameters.isEmpty else {
            return section("parameters", "Parameters", "<p>This sweep searches no parameter (a single configuration).</p>")
        }
        guard !model.runs.isEmpty else { return section("parameters", "Parameters", "<p>No finished trial yet.</p>") }
        var body = "<p class=\"note\">Each line is a trial, through its value of every searched parameter to its \(HTML.escape(model.objective.label)); "
            + "darker blue is better, the best trial is orange, dashed lines at the bottom had no value (failed or diverged before an epoch finished).</p>"
        let trials = TrialPoints(model)
        body += "<div class=\"chart wide\">" + ParallelCoordinates.render(model, trials) + "</div>"
        body += "<p class=\"note\">Per parameter: every trial (dots, spread sideways within a value), the mean of the complete trials (black bar) "
            + "and ± one standard deviation (grey line) per value; crosses under the axis had no value.</p><div class=\"multiples\">"
        for axis in model.parameters { body += "<div class=\"chart\">" + ParameterPlots.render(model, axis, trials) + "</div>" }
        body += "</div>"
        return section("parameters", "Parameters against the objective", body)
    }

    static func curves(_ model: ReportModel) -> String {
        let (top, stopped, stoppedTotal) = LearningCurves.selection(model)
        guard !top.isEmpty || !stopped.isEmpty else { return section("curves", "Learning curves", "<p>No epoch recorded yet.</p>") }
        let metric = LearningCurves.metric(model)
        var body = "<p class=\"note\">Train (dashed) and validation (solid) per epoch of the top \(top.count) configuration(s); a dot marks the epoch whose weights were kept. "
        if stoppedTotal > 0 {
            body += "Grey: validation curves of \(stoppedTotal) run(s) stopped early (pruned or diverged), a cross where each stopped"
                + (stoppedTotal > stopped.count ? " (the first \(stopped.count) drawn)" : "") + "."
        }
        body += "</p><div class=\"multiples\"><div class=\"chart\">" + LearningCurves.render(model, metric: "loss") + "</div>"
        if metric != "loss" { body += "<div class=\"chart\">" + LearningCurves.render(model, metric: metric) + "</div>" }
        body += "</div><ul class=\"legend\">"
        let names = model.parameters.map(\.name)
        for (k, t) in top.enumerated() {
            let params = model.configurations.first { $0.rank == t.rank }.map { Format.parameters($0.parameters, order: names) } ?? ""
            body += "<li><span class=\"swatch\" style=\"background:\(Palette.category(k))\"></span>#\(t.rank) <code>\(t.run.id)</code> \(HTML.escape(params))</li>"
        }
        body += "</ul>"
        return section("curves", "Learning curves", body)
    }

    static func failures(_ model: ReportModel) -> String {
        guard !model.failures.isEmpty else { return section("failures", "Failures", "<p>None: every finished trial is complete.</p>") }
        var body = "<table id=\"failure-list\" class=\"data\"><thead><tr><th>id</th><th>state</th><th>attempts</th><th>reason</th></tr></thead><tbody>"
        for f in model.failures {
            body += "<tr data-id=\"\(f.id)\"><td><code>\(f.id)</code></td><td><span class=\"state \(f.state.rawValue)\">\(f.state.rawValue)</span></td>"
                + "<td>\(f.attempts)</td><td>\(HTML.escape(f.reason))"
            if !f.stderrTail.isEmpty { body += "<details><summary>worker stderr</summary><pre>\(HTML.escape(f.stderrTail))</pre></details>" }
            body += "</td></tr>"
        }
        body += "</tbody></table>"
        return section("failures", "Failures", body)
    }
}
