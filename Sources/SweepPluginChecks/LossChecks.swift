import SweepPluginAPI

/// The shared suite's checks of one loss plugin.
enum LossChecks {
    /// Finite-difference step on the logits, and the tolerances of the gradient comparison:
    /// |analytic - numeric| <= gradientAtol * max(1, |loss|) + gradientRtol * max(|analytic|, |numeric|).
    /// The logits are Float, so the step is large enough for Float rounding of the value (about
    /// 1e-7 |loss| / 2h = 5e-6 |loss|) and small enough for the truncation error (h^2/6 * f''').
    static let step: Float = 1e-2
    static let gradientRtol = 1e-2
    static let gradientAtol = 1e-4
    /// Tolerances for the reduction checks, which compare the same quantity summed in another order.
    static let reductionRtol = 1e-5
    static let reductionAtol = 1e-7

    static func run(_ type: any LossPlugin.Type) -> PluginCheckResult {
        var result = PluginCheckResult(kind: .loss, plugin: type.name)
        let a = LossBatch.random(rows: 4, columns: 3, spread: 3, seed: 1)
        let b = LossBatch.random(rows: 3, columns: 3, spread: 5, seed: 2)
        result.mark(.construction)
        let plugin: any LossPlugin
        do {
            let p = try PluginParameters(resolving: [:], against: type.parameters, plugin: type.name)
            plugin = try type.init(parameters: p, context: a.context)
        } catch {
            result.fail(.construction, "cannot build it from its defaults: \(error)")
            return result
        }
        checkExamples(type, &result)
        if let reason = type.surrogateGradient {
            result.skipped.append((.gradient, reason))
        } else {
            checkGradient(plugin, a, &result)
        }
        switch type.reduction {
        case .meanOverRows: checkReduction(plugin, a, b, &result)
        case .wholeBatch:
            result.skipped.append((.reduction, "declared a whole-batch loss (reduction = .wholeBatch), not a mean over rows"))
        }
        checkRowOrder(plugin, a.appending(b), &result)
        checkFinite(plugin, &result)
        return result
    }

    /// The loss and its gradient.
    static func evaluate(_ plugin: any LossPlugin, _ batch: LossBatch) -> (loss: Double, gradient: [Float]) {
        var gradient = [Float](repeating: .nan, count: batch.rows * batch.columns)
        let loss = batch.logits.withUnsafeBufferPointer { x in
            batch.targets.withUnsafeBufferPointer { y in
                gradient.withUnsafeMutableBufferPointer { g in
                    plugin.loss(logits: x, targets: y, rows: batch.rows, columns: batch.columns, gradient: g)
                }
            }
        }
        return (loss, gradient)
    }

    /// The loss alone (no gradient requested).
    static func value(_ plugin: any LossPlugin, _ batch: LossBatch) -> Double {
        batch.logits.withUnsafeBufferPointer { x in
            batch.targets.withUnsafeBufferPointer { y in
                plugin.loss(logits: x, targets: y, rows: batch.rows, columns: batch.columns, gradient: nil)
            }
        }
    }

    static func checkExamples(_ type: any LossPlugin.Type, _ result: inout PluginCheckResult) {
        for (k, e) in type.examples.enumerated() {
            result.mark(.examples)
            let batch = LossBatch(logits: e.logits, targets: e.targets, rows: e.rows, columns: e.columns)
            guard e.logits.count == e.rows * e.columns, e.targets.count == e.rows * e.columns else {
                result.fail(.examples, "example \(k + 1): logits and targets must hold rows * columns values")
                continue
            }
            do {
                let p = try PluginParameters(resolving: e.parameters, against: type.parameters, plugin: type.name)
                let got = value(try type.init(parameters: p, context: batch.context), batch)
                if !close(got, e.expected, rtol: e.tolerance, atol: e.tolerance) {
                    result.fail(.examples, "example \(k + 1) \(e.parameters.isEmpty ? "" : "\(e.parameters) ")gives \(got), expected \(e.expected)")
                }
            } catch {
                result.fail(.construction, "example \(k + 1): cannot build it: \(error)")
            }
        }
    }

    static func checkGradient(_ plugin: any LossPlugin, _ batch: LossBatch, _ result: inout PluginCheckResult) {
        result.mark(.gradient)
        let (loss, analytic) = evaluate(plugin, batch)
        var worst: (index: Int, analytic: Double, numeric: Double)?
        var worstExcess = 0.0
        for i in analytic.indices {
            var up = batch, down = batch
            up.logits[i] += step
            down.logits[i] -= step
            let h = Double(up.logits[i]) - Double(down.logits[i])
            let numeric = (value(plugin, up) - value(plugin, down)) / h
            let g = Double(analytic[i])
            let allowed = gradientAtol * max(1, abs(loss)) + gradientRtol * max(abs(g), abs(numeric))
            let excess = g.isFinite && numeric.isFinite ? abs(g - numeric) / allowed : .infinity
            if excess > 1 && excess > worstExcess {
                worstExcess = excess
                worst = (i, g, numeric)
            }
        }
        if let w = worst {
            let (r, c) = (w.index / batch.columns, w.index % batch.columns)
            result.fail(.gradient, "d loss/d logit[\(r), \(c)] is \(w.analytic), central finite difference gives \(w.numeric)")
        }
    }

    static func checkReduction(_ plugin: any LossPlugin, _ a: LossBatch, _ b: LossBatch,
                               _ result: inout PluginCheckResult) {
        result.mark(.reduction)
        let (la, ga) = evaluate(plugin, a)
        let (lb, gb) = evaluate(plugin, b)
        let (laa, _) = evaluate(plugin, a.appending(a))
        if !close(laa, la, rtol: reductionRtol, atol: reductionAtol) {
            result.fail(.reduction, "a batch gives \(la) but the batch twice gives \(laa); the loss must be a mean over rows")
        }
        let (lab, gab) = evaluate(plugin, a.appending(b))
        let na = Double(a.rows), nb = Double(b.rows)
        let expected = (na * la + nb * lb) / (na + nb)
        if !close(lab, expected, rtol: reductionRtol, atol: reductionAtol) {
            result.fail(.reduction, "batches of \(a.rows) and \(b.rows) rows give \(la) and \(lb), together \(lab); the row-weighted mean is \(expected)")
        }
        // The gradient of the mean over both batches is each batch's gradient scaled by its share of rows.
        let scaled = ga.map { Double($0) * na / (na + nb) } + gb.map { Double($0) * nb / (na + nb) }
        let gmax = scaled.map(abs).max() ?? 0
        for i in scaled.indices where !close(Double(gab[i]), scaled[i], rtol: 1e-4, atol: 1e-6 * gmax) {
            result.fail(.reduction, "gradient of two batches together at cell \(i) is \(gab[i]), expected \(scaled[i]) (each batch's gradient weighted by its rows)")
            break
        }
    }

    /// The same rows in another order give the same loss, and the gradient of each row moves
    /// with it: what holds for every loss, whole-batch ones included.
    static func checkRowOrder(_ plugin: any LossPlugin, _ batch: LossBatch, _ result: inout PluginCheckResult) {
        result.mark(.rowOrder)
        let (loss, gradient) = evaluate(plugin, batch)
        let n = batch.rows, c = batch.columns
        var shuffled = Array(0..<n)
        var g = SplitMix64(state: 0x5EED)
        for i in stride(from: n - 1, to: 0, by: -1) { shuffled.swapAt(i, g.below(i + 1)) }
        let gmax = gradient.map { abs(Double($0)) }.max() ?? 0
        for order in [Array((0..<n).reversed()), shuffled] {
            let moved = batch.reordered(order)
            let (l, grad) = evaluate(plugin, moved)
            if !close(l, loss, rtol: reductionRtol, atol: reductionAtol) {
                result.fail(.rowOrder, "a batch of \(n) rows gives \(loss), the same rows in another order give \(l)")
                return
            }
            for (k, r) in order.enumerated() {
                for j in 0..<c where !close(Double(grad[k * c + j]), Double(gradient[r * c + j]), rtol: 1e-4, atol: 1e-6 * gmax) {
                    result.fail(.rowOrder, "d loss/d logit[\(r), \(j)] is \(gradient[r * c + j]), but \(grad[k * c + j]) when that row is moved to position \(k)")
                    return
                }
            }
        }
    }

    static func checkFinite(_ plugin: any LossPlugin, _ result: inout PluginCheckResult) {
        result.mark(.finite)
        for magnitude: Float in [30, 1e3, 1e4] {
            var batch = LossBatch.random(rows: 4, columns: 3, spread: 1, seed: 3)
            for i in batch.logits.indices { batch.logits[i] = (i % 2 == 0 ? magnitude : -magnitude) * (i % 3 == 0 ? 1 : 0.5) }
            let (loss, gradient) = evaluate(plugin, batch)
            if !loss.isFinite || !gradient.allSatisfy(\.isFinite) {
                result.fail(.finite, "logits of magnitude \(magnitude) give loss \(loss)" +
                            (gradient.allSatisfy(\.isFinite) ? "" : " and a non-finite gradient"))
                return
            }
        }
    }
}
