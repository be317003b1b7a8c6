import SweepPluginAPI

/// The shared suite's checks of one metric plugin.
enum MetricChecks {
    /// Tolerance for the same value computed over reordered rows (summation order may change).
    static let orderTolerance = 1e-9

    static func run(_ type: any MetricPlugin.Type) -> PluginCheckResult {
        var result = PluginCheckResult(kind: .metric, plugin: type.name)
        result.mark(.construction)
        let plugin: any MetricPlugin
        do {
            let p = try PluginParameters(resolving: [:], against: type.parameters, plugin: type.name)
            plugin = try type.init(parameters: p)
        } catch {
            result.fail(.construction, "cannot build it from its defaults: \(error)")
            return result
        }
        checkExamples(type, &result)
        let inputs = [
            MetricInput.wellDefined(rows: 9, columns: 4, levels: 0, seed: 11),
            MetricInput.wellDefined(rows: 12, columns: 5, levels: 4, seed: 12),    // many tied scores
            MetricInput.wellDefined(rows: 6, columns: 2, levels: 0, seed: 13),
        ]
        for (k, input) in inputs.enumerated() {
            let v = plugin.evaluate(input)
            let label = "input \(k + 1) (\(input.rows)x\(input.columns)\(k == 1 ? ", ties" : ""))"
            result.mark(.finite)
            if !v.isFinite {
                result.fail(.finite, "\(label), where every row and label has both classes, gives \(v)")
            }
            checkRange(type, v, columns: input.columns, label, &result)
            checkRowOrder(plugin, input, v, label, &result)
        }
        return result
    }

    static func checkExamples(_ type: any MetricPlugin.Type, _ result: inout PluginCheckResult) {
        for (k, e) in type.examples.enumerated() {
            result.mark(.examples)
            do {
                let p = try PluginParameters(resolving: e.parameters, against: type.parameters, plugin: type.name)
                let got = try type.init(parameters: p).evaluate(e.input)
                if !close(got, e.expected, rtol: 0, atol: e.tolerance) {
                    result.fail(.examples, "example \(k + 1) \(e.parameters.isEmpty ? "" : "\(e.parameters) ")gives \(got), expected \(e.expected)")
                }
                checkRange(type, got, columns: e.input.columns, "example \(k + 1)", &result)
            } catch {
                result.fail(.construction, "example \(k + 1): cannot build it: \(error)")
            }
        }
    }

    static func checkRange(_ type: any MetricPlugin.Type, _ v: Double, columns: Int, _ label: String,
                           _ result: inout PluginCheckResult) {
        result.mark(.range)
        let r = type.range(columns: columns)
        if !v.isNaN && !r.contains(v) {
            result.fail(.range, "\(label) gives \(v), outside the declared range \(r.lowerBound)...\(r.upperBound)")
        }
    }

    static func checkRowOrder(_ plugin: any MetricPlugin, _ input: MetricInput, _ v: Double, _ label: String,
                              _ result: inout PluginCheckResult) {
        result.mark(.rowOrder)
        let n = input.rows
        var shuffled = Array(0..<n)
        var g = SplitMix64(state: UInt64(n) &* 77)
        for i in stride(from: n - 1, to: 0, by: -1) { shuffled.swapAt(i, g.below(i + 1)) }
        for order in [Array((0..<n).reversed()), shuffled] {
            let w = plugin.evaluate(input.reordered(order))
            if !close(w, v, rtol: orderTolerance, atol: orderTolerance) {
                result.fail(.rowOrder, "\(label) gives \(v), the same rows in another order give \(w)")
                return
            }
        }
    }
}
