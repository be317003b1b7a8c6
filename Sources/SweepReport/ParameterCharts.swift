import Foundation
import SweepCore

/// One trial as the parameter charts draw it: its configuration's values, its objective and a
/// hover text. Every trial is drawn once in each chart, those without an objective value in a
/// "no value" band under the plot.
struct TrialPoint {
    let id: String
    let state: TrialState
    let parameters: [String: SweptValue]
    let objective: Double?
    let title: String
    /// Deterministic jitter in [-0.5, 0.5) (FNV-1a of the id), so reports are reproducible.
    var jitter: Double {
        var h: UInt64 = 0xcbf29ce484222325
        for b in id.utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        return Double(h % 10_000) / 10_000 - 0.5
    }

}

/// Every trial of a model as the parameter charts draw it, and the range of the objective
/// (computed once per page: the charts of a 1000-trial sweep share it).
struct TrialPoints {
    let points: [TrialPoint]
    /// Finite objective values' extremes (nil without any).
    let lo: Double?, hi: Double?
    let maximise: Bool
    /// The best complete trial (drawn in orange).
    let bestID: String?

    init(_ model: ReportModel) {
        let names = model.parameters.map(\.name)
        var points: [TrialPoint] = []
        for (i, c) in model.configurations.enumerated() {
            for run in c.runs {
                let value = run.objective.flatMap { $0.isFinite ? $0 : nil }
                let shown = model.objectiveCell(row: i) ?? Format.fixed(value)
                let title = "#\(c.rank) \(run.id) \(run.state.rawValue): \(model.objective.label) \(shown)"
                    + (names.isEmpty ? "" : " (" + Format.parameters(c.parameters, order: names) + ")")
                points.append(TrialPoint(id: run.id, state: run.state, parameters: c.parameters, objective: value, title: title))
            }
        }
        self.points = points
        let values = points.compactMap(\.objective)
        lo = values.min()
        hi = values.max()
        maximise = model.objective.direction == .max
        bestID = model.configurations.first { $0.runs.first?.state == .complete }?.runs.first?.id
    }

    /// A nice scale over the objective's finite values.
    func objectiveScale(start: Double, end: Double) -> AxisScale {
        AxisScale.nice([lo, hi].compactMap { $0 }, start: start, end: end)
    }

    /// Position of `value` between the worst (0) and best (1) objective of the sweep.
    func goodness(_ value: Double?) -> Double {
        guard let value, let lo, let hi, hi > lo else { return 1 }
        let t = (value - lo) / (hi - lo)
        return maximise ? t : 1 - t
    }
}

extension ReportModel {
    /// The leaderboard cell of the objective's column in row `row` (`val_<metric>`), when the
    /// leaderboard has that column.
    func objectiveCell(row: Int) -> String? {
        guard objective.split == .val, let k = leaderboard.header.firstIndex(of: "val_" + objective.metric),
              row < leaderboard.rows.count, k < leaderboard.rows[row].count else { return nil }
        let cell = leaderboard.rows[row][k]
        return cell.isEmpty ? nil : cell
    }
}

/// Parallel coordinates: one vertical axis per searched parameter and one for the objective,
/// one line per trial, coloured by its objective (darker is better), the best one in orange.
enum ParallelCoordinates {
    static func render(_ model: ReportModel, _ trials: TrialPoints, width: Double = 960, height: Double = 360) -> String {
        var svg = SVG(width: width, height: height)
        let top = 34.0, bottom = height - 58, band = height - 30
        let axes = model.parameters
        let count = axes.count + 1
        let left = 70.0, right = width - 110
        let xs = (0..<count).map { count == 1 ? (left + right) / 2 : left + (right - left) * Double($0) / Double(count - 1) }
        var positions: [(SweptValue) -> Double?] = []
        for (k, axis) in axes.enumerated() {
            let (scale, position) = axis.scale(start: bottom, end: top)
            positions.append(position)
            svg.line(xs[k], top, xs[k], bottom, "class=\"axis\"")
            svg.text(xs[k], top - 14, axis.name + (axis.scale == .log ? " (log)" : ""), anchor: "middle", "class=\"label\"")
            if axis.values.count <= 12 {
                for v in axis.values { if let y = position(v) { svg.text(xs[k] - 6, y + 4, Format.value(v), anchor: "end", "class=\"tick\"") } }
            } else {
                for t in scale.ticks() { svg.text(xs[k] - 6, scale(t.value) + 4, t.label, anchor: "end", "class=\"tick\"") }
            }
        }
        let y = trials.objectiveScale(start: bottom, end: top)
        let xo = xs[count - 1]
        svg.line(xo, top, xo, bottom, "class=\"axis strong\"")
        svg.text(xo, top - 14, model.objective.label, anchor: "middle", "class=\"label\"")
        for t in y.ticks() { svg.text(xo + 6, y(t.value) + 4, t.label, anchor: "start", "class=\"tick\"") }
        svg.text(xo + 6, band + 4, "no value", anchor: "start", "class=\"tick warn\"")
        svg.line(left - 20, band, xo, band, "class=\"grid\"")

        let points = trials.points, bestID = trials.bestID
        // Worst first, so the better lines lie on top; no-value lines first of all.
        let order = points.indices.sorted { a, b in
            let ga = trials.goodness(points[a].objective), gb = trials.goodness(points[b].objective)
            if (points[a].objective == nil) != (points[b].objective == nil) { return points[a].objective == nil }
            return ga < gb
        }
        for i in order {
            let p = points[i]
            var line: [(Double, Double)] = []
            for (k, axis) in axes.enumerated() {
                let value = p.parameters[axis.name]
                line.append((xs[k], value.flatMap(positions[k]) ?? band))
            }
            line.append((xo, p.objective.map(y.callAsFunction) ?? band))
            let style: String
            if p.id == bestID {
                style = "stroke=\"#D55E00\" stroke-width=\"3\""
            } else if p.objective == nil {
                style = "stroke=\"\(Palette.state(p.state.rawValue))\" stroke-width=\"1.2\" stroke-dasharray=\"4 3\" opacity=\"0.8\""
            } else {
                style = "stroke=\"\(Palette.ramp(trials.goodness(p.objective)))\" stroke-width=\"1.5\" opacity=\"0.85\""
            }
            svg.polyline(line, "class=\"mark\" data-trial=\"\(p.id)\" data-state=\"\(p.state.rawValue)\" fill=\"none\" \(style)", title: p.title)
        }
        return svg.render("data-plot=\"parallel\" data-marks=\"\(points.count)\"",
                          label: "parallel coordinates of the searched parameters against \(model.objective.label)")
    }
}

/// One small plot per searched parameter: the objective of every trial against the
/// parameter's value (jittered within a value's slot), with the mean and ± one standard
/// deviation of the complete trials per value (per bin when a parameter has many values).
enum ParameterPlots {
    static func render(_ model: ReportModel, _ axis: ParameterAxis, _ trials: TrialPoints, width: Double = 310, height: Double = 240) -> String {
        var svg = SVG(width: width, height: height)
        let frame = PlotFrame(width: width, height: height, left: 54, top: 24, right: 12, bottom: 64)
        let band = frame.bottom + 14
        let (xScale, position) = axis.scale(start: frame.left + 10, end: frame.right - 10)
        let y = trials.objectiveScale(start: frame.bottom, end: frame.top)
        frame.yAxis(&svg, y, label: model.objective.label)
        let discrete = axis.values.count <= 12
        let name = axis.name + (axis.scale == .log ? " (log scale)" : "")
        let xs = axis.values.compactMap(position).sorted()
        let gap = zip(xs, xs.dropFirst()).map { $1 - $0 }.min() ?? (frame.right - frame.left - 20)
        let slot = discrete ? min(gap * 0.6, 48) : 0
        if discrete {
            let labels = axis.values.map(Format.value)
            let fits = (labels.map { Double($0.count) * 6.4 }.max() ?? 0) <= gap - 4
            if fits || axis.scale == .categorical {
                for (v, label) in zip(axis.values, labels) {
                    guard let x = position(v) else { continue }
                    if fits {
                        svg.text(x, frame.bottom + 30, label, anchor: "middle", "class=\"tick\"")
                    } else {
                        svg.raw("<text class=\"tick\" text-anchor=\"end\" transform=\"translate(\(SVG.n(x + 3)) \(SVG.n(frame.bottom + 22))) rotate(-35)\">\(HTML.escape(label))</text>")
                    }
                }
            } else {
                // Too many values to label each: the scale's ticks, and a mark under each value.
                for t in xScale.ticks() { svg.text(xScale(t.value), frame.bottom + 30, t.label, anchor: "middle", "class=\"tick\"") }
            }
            for x in xs { svg.line(x, frame.bottom, x, frame.bottom + 5, "class=\"axis\"") }
            svg.line(frame.left, frame.bottom, frame.right, frame.bottom, "class=\"axis\"")
            svg.text((frame.left + frame.right) / 2, frame.bottom + 50, name, anchor: "middle", "class=\"label\"")
        } else {
            PlotFrame(width: width, height: height, left: 54, top: 24, right: 12, bottom: 48).xAxis(&svg, xScale, label: name)
        }
        svg.text(frame.left - 6, band + 4, "none", anchor: "end", "class=\"tick warn\"")
        svg.text(frame.left + 2, 14, axis.name, anchor: "start", "class=\"title\"")

        let points = trials.points
        for p in points {
            guard let value = p.parameters[axis.name], let x0 = position(value) else { continue }
            let x = x0 + p.jitter * slot
            if let v = p.objective {
                svg.circle(x, y(v), r: 3.2, "class=\"mark\" data-trial=\"\(p.id)\" fill=\"\(Palette.state(p.state.rawValue))\" fill-opacity=\"0.55\"", title: p.title)
            } else {
                svg.cross(x, band, r: 3, "class=\"mark\" data-trial=\"\(p.id)\" stroke=\"\(Palette.state(p.state.rawValue))\" stroke-width=\"1.5\"", title: p.title)
            }
        }
        // Mean and spread of the complete trials, per value or per bin.
        for group in groups(points.filter { $0.state == .complete }, axis: axis, position: position, xScale: xScale, discrete: discrete) {
            let stats = Aggregate(group.values)
            guard let mean = stats.mean else { continue }
            let half = max(6, slot * 0.6)
            if let sd = stats.sd {
                svg.line(group.x, y(mean - sd), group.x, y(mean + sd), "class=\"spread\"")
            }
            svg.line(group.x - half, y(mean), group.x + half, y(mean), "class=\"mean\"")
        }
        return svg.render("data-plot=\"parameter\" data-parameter=\"\(HTML.escape(axis.name))\" data-marks=\"\(points.count)\"",
                          label: "\(model.objective.label) against \(axis.name)")
    }

    /// The objective values of complete trials per value (few values) or per one of 8 bins.
    static func groups(_ points: [TrialPoint], axis: ParameterAxis, position: (SweptValue) -> Double?, xScale: AxisScale,
                       discrete: Bool) -> [(x: Double, values: [Double])] {
        var buckets: [Int: (x: Double, values: [Double])] = [:]
        let lo = xScale.start, span = xScale.end - xScale.start
        for p in points {
            guard let value = p.parameters[axis.name], let x = position(value), let v = p.objective else { continue }
            let key = discrete ? (axis.values.firstIndex(of: value) ?? 0) : min(7, max(0, Int((x - lo) / span * 8)))
            let centre = discrete ? x : lo + span * (Double(key) + 0.5) / 8
            buckets[key, default: (centre, [])].values.append(v)
        }
        return buckets.keys.sorted().compactMap { buckets[$0] }
    }
}
