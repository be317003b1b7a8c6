import Foundation
import SweepCore

/// Learning curves: per epoch, train (dashed) and validation (solid) values of the top
/// configurations, one colour each; runs that stopped early (pruned, diverged) in grey with a
/// cross where they stopped.
enum LearningCurves {
    /// Configurations drawn in colour.
    static let top = 6
    /// Stopped-early runs drawn at most (the rest are counted in the caption).
    static let stoppedLimit = 200

    /// The runs drawn in colour (the best-ranked with epochs) and the stopped-early ones in grey.
    static func selection(_ model: ReportModel) -> (top: [(rank: Int, run: Run)], stopped: [Run], stoppedTotal: Int) {
        let ranked = model.configurations.flatMap { c in c.runs.map { (rank: c.rank, run: $0) } }
        let top = Array(ranked.filter { $0.run.state == .complete && !$0.run.epochs.isEmpty }.prefix(Self.top))
        let stopped = ranked.map(\.run).filter { $0.stoppedEarly && !$0.epochs.isEmpty }
        return (top, Array(stopped.prefix(stoppedLimit)), stopped.count)
    }

    /// The metric of the second panel: the objective's, or the first metric when the objective is the loss.
    static func metric(_ model: ReportModel) -> String {
        model.objective.metric != "loss" ? model.objective.metric : (model.metricNames.first { $0 != "loss" } ?? "loss")
    }

    static func render(_ model: ReportModel, metric: String, width: Double = 470, height: Double = 290) -> String {
        let (top, stopped, _) = selection(model)
        var svg = SVG(width: width, height: height)
        let frame = PlotFrame(width: width, height: height, top: 26)
        let all = top.map(\.run) + stopped
        let maxEpoch = all.flatMap { $0.epochs.map(\.epoch) }.max() ?? 1
        let x = AxisScale(kind: .linear, lo: 0, hi: Double(max(1, maxEpoch)), start: frame.left + 6, end: frame.right - 6)
        // The y range is the coloured runs' (a diverged run's loss of 1e4 would flatten them);
        // grey runs beyond it are drawn at the frame's edge.
        let values = top.flatMap { t in t.run.epochs.flatMap { [$0.train[metric], $0.val[metric]].compactMap { $0 } } }
        let y = AxisScale.nice(values.isEmpty ? stopped.flatMap { $0.epochs.compactMap { $0.val[metric] } } : values,
                           start: frame.bottom, end: frame.top)
        let clamp = { (v: Double) in min(max(y(v), frame.top), frame.bottom) }
        frame.yAxis(&svg, y, label: metric == "loss" ? "loss (\(model.lossName))" : metric)
        frame.xAxis(&svg, x, label: "epoch")
        svg.text(frame.left + 2, 16, metric == "loss" ? "loss per epoch" : "\(metric) per epoch", anchor: "start", "class=\"title\"")
        for run in stopped {
            let points = run.epochs.compactMap { e in e.val[metric].map { (x(Double(e.epoch)), clamp($0)) } }
            guard let last = points.last else { continue }
            let title = "\(run.id) \(run.state.rawValue) after epoch \(run.epochs.last?.epoch ?? 0)"
                + (run.stoppedAtRung.map { " (rung \($0))" } ?? "")
            svg.polyline(points, "class=\"curve\" data-run=\"\(run.id)\" fill=\"none\" stroke=\"#9A9A9A\" stroke-width=\"1\" opacity=\"0.7\"", title: title)
            svg.cross(last.0, last.1, r: 4, "data-stopped=\"\(run.id)\" stroke=\"\(Palette.state(run.state.rawValue))\" stroke-width=\"2\"", title: title)
        }
        for (k, t) in top.enumerated() {
            let colour = Palette.category(k)
            for (split, dash) in [("train", " stroke-dasharray=\"5 3\""), ("val", "")] {
                let points = t.run.epochs.compactMap { e in
                    (split == "train" ? e.train[metric] : e.val[metric]).map { (x(Double(e.epoch)), clamp($0)) }
                }
                svg.polyline(points, "class=\"curve\" data-run=\"\(t.run.id)\" data-split=\"\(split)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.8\"\(dash)",
                             title: "#\(t.rank) \(t.run.id) \(split) \(metric)")
            }
            if let best = t.run.bestEpoch, let e = t.run.epochs.first(where: { $0.epoch == best }), let v = e.val[metric] {
                svg.circle(x(Double(best)), clamp(v), r: 3.5, "fill=\"\(colour)\"", title: "#\(t.rank) \(t.run.id) best epoch \(best)")
            }
        }
        return svg.render("data-plot=\"curves\" data-metric=\"\(HTML.escape(metric))\"", label: "\(metric) per epoch of the top configurations")
    }
}

/// Precision against recall of each class on the validation split, with each class's
/// operating point at its threshold.
enum PRChart {
    static func render(_ chosen: ChosenModel, _ evaluation: ValidationEvaluation, width: Double = 520, height: Double = 360) -> String {
        var svg = SVG(width: width, height: height)
        let frame = PlotFrame(width: width, height: height, top: 26, right: 170)
        let x = AxisScale(kind: .linear, lo: 0, hi: 1, start: frame.left, end: frame.right)
        let y = AxisScale(kind: .linear, lo: 0, hi: 1, start: frame.bottom, end: frame.top)
        frame.yAxis(&svg, y, label: "precision (validation)")
        frame.xAxis(&svg, x, label: "recall (validation)")
        svg.text(frame.left + 2, 16, "precision-recall per class", anchor: "start", "class=\"title\"")
        for (c, curve) in evaluation.curves.enumerated() {
            let colour = Palette.category(c)
            // A step plot, as average precision integrates it.
            var points: [(Double, Double)] = []
            for (k, p) in curve.points.enumerated() {
                if k > 0 { points.append((x(p.recall), y(curve.points[k - 1].precision))) }
                points.append((x(p.recall), y(p.precision)))
            }
            let name = chosen.classNames[c]
            svg.polyline(points, "class=\"curve\" data-class=\"\(HTML.escape(name))\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.8\"",
                         title: "\(name): AP \(Format.fixed(curve.averagePrecision, 3))")
            let s = evaluation.perClass[c]
            svg.circle(x(s.recall), y(s.precision), r: 4.5, "data-operating=\"\(HTML.escape(name))\" fill=\"\(colour)\" stroke=\"#fff\" stroke-width=\"1.5\"",
                       title: "\(name) at threshold \(chosen.thresholds[c]): precision \(Format.fixed(s.precision, 3)), recall \(Format.fixed(s.recall, 3))")
            let ly = frame.top + 8 + Double(c) * 18
            svg.line(frame.right + 12, ly, frame.right + 30, ly, "stroke=\"\(colour)\" stroke-width=\"3\"")
            svg.text(frame.right + 35, ly + 4, "\(name) AP \(Format.fixed(curve.averagePrecision, 2))", anchor: "start", "class=\"tick\"")
        }
        return svg.render("data-plot=\"pr\"", label: "precision-recall curves per class on the validation split")
    }
}

/// A horizontal bar of the trials by state, with the ones still to run.
enum StateBar {
    static func render(_ progress: Progress, width: Double = 640, height: Double = 26) -> String {
        var svg = SVG(width: width, height: height)
        let total = Double(max(progress.planned, progress.finished, 1))
        var x = 0.0
        for (name, count) in [("complete", progress.count(.complete)), ("pruned", progress.count(.pruned)),
                              ("diverged", progress.count(.diverged)), ("failed", progress.count(.failed)),
                              ("remaining", max(0, progress.planned - progress.finished))] where count > 0 {
            let w = width * Double(count) / total
            svg.raw("<rect x=\"\(SVG.n(x))\" y=\"0\" width=\"\(SVG.n(w))\" height=\"\(SVG.n(height))\" fill=\"\(Palette.state(name))\"><title>\(count) \(name)</title></rect>")
            if w > 40 { svg.text(x + w / 2, height / 2 + 4, "\(count) \(name)", anchor: "middle", "class=\"bar-label\"") }
            x += w
        }
        return svg.render("data-plot=\"states\"", label: "trials by state")
    }
}
