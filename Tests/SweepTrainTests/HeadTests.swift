import XCTest
import SweepTensor
@testable import SweepTrain

/// Head shapes, key names, initialisation, state round trips and layer semantics.
final class HeadTests: XCTestCase {
    override func setUp() { BLAS.setThreads(1) }

    func testNotebookHeadShapesAndParameterCount() throws {
        let config = HeadConfig(inputWidth: 2048, classes: 5, depth: 2, dropout: 0.3)
        XCTAssertEqual(config.hiddenWidths, [1024, 512])
        XCTAssertEqual(config.parameterCount, 2_628_613)   // REFERENCE.md, counted by PyTorch
        let head = try Head(config: config, seed: 0)
        XCTAssertEqual(head.parameterCount, 2_628_613)
        let state = head.stateDict()
        let expected: [String: [Int]] = [
            "0.weight": [1024, 2048], "0.bias": [1024],
            "1.weight": [1024], "1.bias": [1024], "1.running_mean": [1024], "1.running_var": [1024], "1.num_batches_tracked": [],
            "4.weight": [512, 1024], "4.bias": [512],
            "5.weight": [512], "5.bias": [512], "5.running_mean": [512], "5.running_var": [512], "5.num_batches_tracked": [],
            "8.weight": [5, 512], "8.bias": [5],
        ]
        XCTAssertEqual(state.mapValues(\.shape), expected)
        let trainable = state.filter { !$0.key.contains("running") && !$0.key.contains("num_batches") }
        XCTAssertEqual(trainable.values.reduce(0) { $0 + $1.count }, 2_628_613)
    }

    func testDepthAndDropoutDecideSequentialIndices() throws {
        let noDropout = try Head(config: HeadConfig(inputWidth: 2048, classes: 5, depth: 2, dropout: 0), seed: 0).stateDict()
        XCTAssertEqual(noDropout["3.weight"]?.shape, [512, 1024])
        XCTAssertEqual(noDropout["4.running_var"]?.shape, [512])
        XCTAssertEqual(noDropout["6.weight"]?.shape, [5, 512])
        let probe = try Head(config: HeadConfig(inputWidth: 2048, classes: 5, depth: 0, dropout: 0.3), seed: 0).stateDict()
        XCTAssertEqual(probe.mapValues(\.shape), ["0.weight": [5, 2048], "0.bias": [5]])
        let deep = HeadConfig(inputWidth: 2048, classes: 5, depth: 3, dropout: 0.5)
        XCTAssertEqual(deep.hiddenWidths, [1024, 512, 256])
        XCTAssertEqual(try Head(config: deep, seed: 0).stateDict()["12.weight"]?.shape, [5, 256])
        // 64 features halve six times down to a last hidden width of 1; a seventh halving leaves none
        let narrowest = HeadConfig(inputWidth: 64, classes: 5, depth: 6, dropout: 0)
        XCTAssertEqual(narrowest.hiddenWidths, [32, 16, 8, 4, 2, 1])
        XCTAssertEqual(try Head(config: narrowest, seed: 0).stateDict()["18.weight"]?.shape, [5, 1])
        XCTAssertThrowsError(try HeadConfig(inputWidth: 64, classes: 5, depth: 7, dropout: 0).validate()) {
            XCTAssertEqual($0 as? TrainError, .invalidConfig(property: "head.depth",
                                                              reason: "7 halvings of 64 features leave no hidden unit"))
        }
        XCTAssertNoThrow(try HeadConfig(inputWidth: 1, classes: 5, depth: 0, dropout: 0).validate())
        XCTAssertThrowsError(try Head(config: HeadConfig(inputWidth: 64, classes: 5, depth: 1, dropout: 1), seed: 0))
    }

    /// Issue 13: widths given explicitly, and the PyTorch layout the model card states, module
    /// by module, matching the state dict's keys and shapes (so `load_state_dict` fits).
    func testExplicitWidthsAndThePyTorchLayoutMatchTheStateDict() throws {
        let custom = HeadConfig(inputWidth: 2048, classes: 4, depth: 0, dropout: 0, widths: [300, 7])
        XCTAssertEqual(custom.depth, 2)
        XCTAssertEqual(custom.hiddenWidths, [300, 7])
        XCTAssertThrowsError(try HeadConfig(inputWidth: 2048, classes: 4, depth: 0, dropout: 0, widths: [300, 0]).validate())
        for config in [custom, HeadConfig(inputWidth: 2048, classes: 5, depth: 2, dropout: 0.3),
                       HeadConfig(inputWidth: 2048, classes: 5, depth: 0, dropout: 0.3)] {
            let state = try Head(config: config, seed: 0).stateDict()
            let modules = config.pytorchModules
            for (key, tensor) in state {
                let parts = key.split(separator: ".")
                let index = try XCTUnwrap(Int(parts[0]), key)
                XCTAssertLessThan(index, modules.count, key)
                let module = modules[index]
                if module.hasPrefix("Linear(") {
                    let shape = tensor.shape
                    let expected = parts[1] == "weight" ? "in_features=\(shape.last ?? 0), out_features=\(shape[0])"
                                                         : "out_features=\(shape[0])"
                    XCTAssertTrue(module.contains(expected), "\(key) \(shape) vs \(module)")
                } else {
                    XCTAssertTrue(module.hasPrefix("BatchNorm1d(\(tensor.shape.first ?? 0),") || parts[1] == "num_batches_tracked",
                                  "\(key) vs \(module)")
                }
            }
            // Every module with parameters has them in the state dict; ReLU and Dropout have none.
            for (i, m) in modules.enumerated() where m.hasPrefix("Linear") || m.hasPrefix("BatchNorm") {
                XCTAssertNotNil(state["\(i).weight"], "module \(i) \(m)")
            }
            XCTAssertEqual(modules.filter { $0.hasPrefix("Dropout(p=") }.count, config.dropout > 0 ? config.depth : 0)
            XCTAssertTrue(config.pytorchSequential.hasPrefix("nn.Sequential(nn.Linear(in_features=2048, "), config.pytorchSequential)
        }
        XCTAssertEqual(HeadConfig(inputWidth: 2048, classes: 5, depth: 2, dropout: 0.3).pytorchModules[3], "Dropout(p=0.3, inplace=False)")
    }

    func testInitialisationFollowsPyTorchDefaults() throws {
        let config = HeadConfig(inputWidth: 256, classes: 3, depth: 1, dropout: 0)
        let state = try Head(config: config, seed: 42).stateDict()
        for (key, fanIn) in [("0.weight", 256.0), ("0.bias", 256.0), ("3.weight", 128.0), ("3.bias", 128.0)] {
            let values = state[key]!.data.map(Double.init)
            let bound = 1 / fanIn.squareRoot()
            XCTAssertLessThanOrEqual(values.map { abs($0) }.max()!, bound * (1 + 1e-6), key)
            if values.count > 1000 {   // U(-b, b): mean 0, variance b^2 / 3
                let mean = values.reduce(0, +) / Double(values.count)
                let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
                XCTAssertLessThan(abs(mean), 0.05 * bound, key)
                XCTAssertEqual(variance, bound * bound / 3, accuracy: 0.05 * bound * bound / 3, key)
            }
        }
        XCTAssertEqual(state["1.weight"]!.data, [Float](repeating: 1, count: 128))
        XCTAssertEqual(state["1.bias"]!.data, [Float](repeating: 0, count: 128))
        XCTAssertEqual(state["1.running_mean"]!.data, [Float](repeating: 0, count: 128))
        XCTAssertEqual(state["1.running_var"]!.data, [Float](repeating: 1, count: 128))
        XCTAssertEqual(try Head(config: config, seed: 42).stateDict(), state)
        XCTAssertNotEqual(try Head(config: config, seed: 43).stateDict()["0.weight"], state["0.weight"])
    }

    func testStateRoundTripGivesTheSameHead() throws {
        let config = HeadConfig(inputWidth: 32, classes: 4, depth: 2, dropout: 0.2)
        let head = try Head(config: config, seed: 5)
        let s = SyntheticData(samples: 40, width: 32, classes: 4, seed: 1)
        // one training step so the running statistics are not the initial ones
        let trainer = try HeadTrainer(head: head, optimizer: .adam(), schedule: .constant,
                                      loss: s.bce(s.trialData(train: 40 - 1)), dropoutSeed: 1)
        let y = s.targets.map(Float.init)
        _ = try y.withUnsafeBufferPointer { try trainer.step(features: s.features.pointer, targets: $0.baseAddress!, rows: 40) }
        let state = head.stateDict()
        XCTAssertEqual(state["1.num_batches_tracked"]?.data, [1])
        let copy = try Head(config: config, state: state)
        XCTAssertEqual(copy.stateDict(), state)
        XCTAssertEqual(copy.logits(features: s.features.pointer, rows: 40), head.logits(features: s.features.pointer, rows: 40))

        var missing = state
        missing["5.running_var"] = nil
        XCTAssertThrowsError(try Head(config: config, state: missing)) {
            XCTAssertEqual($0 as? TrainError, .badState(key: "5.running_var", reason: "missing"))
        }
        var wrong = state
        wrong["0.weight"] = Tensor(zeros: [32, 16])
        XCTAssertThrowsError(try Head(config: config, state: wrong)) { XCTAssertTrue("\($0)".contains("'0.weight'")) }
        var extra = state
        extra["9.weight"] = Tensor(zeros: [1])
        XCTAssertThrowsError(try Head(config: config, state: extra)) { XCTAssertTrue("\($0)".contains("'9.weight'")) }
    }

    func testTrainingBatchOfOneIsAnErrorWithBatchNormOnly() throws {
        let s = SyntheticData(samples: 8, width: 16, classes: 2, seed: 2)
        let y = s.targets.map(Float.init)
        for depth in [0, 1] {
            let head = try Head(config: HeadConfig(inputWidth: 16, classes: 2, depth: depth, dropout: 0), seed: 0)
            let trainer = try HeadTrainer(head: head, optimizer: .adam(), schedule: .constant,
                                          loss: s.bce(s.trialData(train: 7)), dropoutSeed: 0)
            let step = { try y.withUnsafeBufferPointer { try trainer.step(features: s.features.pointer, targets: $0.baseAddress!, rows: 1) } }
            if depth == 0 {
                XCTAssertTrue(try step().isFinite)
            } else {
                XCTAssertThrowsError(try step()) { XCTAssertEqual($0 as? TrainError, .batchOfOne(layer: "head layer 1")) }
            }
        }
    }

    func testDropoutKeepsOneMinusPAndScalesSurvivors() {
        let n = 200_000, p = 0.3
        var values = [Float](repeating: 2, count: n)
        var generator: SeededGenerator? = SeededGenerator(seed: 9, stream: 3)
        values.withUnsafeMutableBufferPointer { reluDropoutForward(values: $0.baseAddress!, count: n, p: p, generator: &generator) }
        let kept = values.filter { $0 != 0 }
        XCTAssertEqual(Double(kept.count) / Double(n), 1 - p, accuracy: 0.005)
        XCTAssertEqual(Set(kept), [2 * (Float(1) / Float(1 - p))])
        // backward lets the gradient through exactly where the unit survived, with the same scale
        var gradient = [Float](repeating: 1, count: n)
        gradient.withUnsafeMutableBufferPointer { g in
            values.withUnsafeBufferPointer { reluDropoutBackward(gradient: g.baseAddress!, output: $0.baseAddress!, count: n, p: p) }
        }
        for i in 0..<n { XCTAssertEqual(gradient[i], values[i] / 2) }
        // evaluation (no generator): ReLU only
        var eval: [Float] = [-1, 0, 3]
        var none: SeededGenerator? = nil
        eval.withUnsafeMutableBufferPointer { reluDropoutForward(values: $0.baseAddress!, count: 3, p: p, generator: &none) }
        XCTAssertEqual(eval, [0, 0, 3])
    }

    /// A training-mode forward with dropout against a naive loop: Linear, BatchNorm1d with batch
    /// statistics, ReLU, the dropout mask drawn from the same generator (one uniform per unit,
    /// row-major, kept when >= p, survivors scaled by 1/(1 - p)), then the output Linear.
    func testTrainForwardWithDropoutAgainstNaiveLoop() throws {
        let rows = 6, d = 10, width = 5, classes = 3, p = 0.5        // hidden width d / 2
        let config = HeadConfig(inputWidth: d, classes: classes, depth: 1, dropout: p)
        let head = try Head(config: config, seed: 2)
        let state = head.stateDict()
        let x: [Float] = (0..<rows * d).map { Float(($0 * 29) % 13) * 0.2 - 1.1 }
        var generator: SeededGenerator? = SeededGenerator(seed: 8, stream: 3)
        let out = try x.withUnsafeBufferPointer { try head.trainForward(x: $0.baseAddress!, rows: rows, dropout: &generator) }
        let got = Array(UnsafeBufferPointer(start: out, count: rows * classes))

        let w0 = try XCTUnwrap(state["0.weight"]).data, b0 = try XCTUnwrap(state["0.bias"]).data
        let gamma = try XCTUnwrap(state["1.weight"]).data, beta = try XCTUnwrap(state["1.bias"]).data
        let w4 = try XCTUnwrap(state["4.weight"]).data, b4 = try XCTUnwrap(state["4.bias"]).data
        var z = [Double](repeating: 0, count: rows * width)
        for r in 0..<rows { for o in 0..<width {
            z[r * width + o] = Double(b0[o]) + (0..<d).reduce(0.0) { $0 + Double(x[r * d + $1]) * Double(w0[o * d + $1]) }
        } }
        var g = SeededGenerator(seed: 8, stream: 3)
        var a = [Double](repeating: 0, count: rows * width)
        for c in 0..<width {
            let col = (0..<rows).map { z[$0 * width + c] }
            let mu = col.reduce(0, +) / Double(rows)
            let v = col.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / Double(rows)
            for r in 0..<rows { a[r * width + c] = max(0, (col[r] - mu) / (v + 1e-5).squareRoot() * Double(gamma[c]) + Double(beta[c])) }
        }
        var dropped = 0
        for i in 0..<rows * width {
            let keep = g.nextUnitDouble() >= p
            if !keep { dropped += 1 }
            a[i] *= keep ? Double(Float(1) / Float(1 - p)) : 0
        }
        XCTAssertGreaterThan(dropped, 0, "the mask drops some of the \(rows * width) units")
        for r in 0..<rows { for k in 0..<classes {
            let expected = Double(b4[k]) + (0..<width).reduce(0.0) { $0 + a[r * width + $1] * Double(w4[k * width + $1]) }
            XCTAssertEqual(Double(got[r * classes + k]), expected, accuracy: 1e-5, "row \(r) class \(k)")
        } }
    }

    func testBatchNormTrainForwardAgainstNaiveLoop() {
        let rows = 7, width = 5
        let x: [Float] = (0..<rows * width).map { Float(($0 * 37) % 11) * 0.3 - 1.2 }
        let gamma: [Float] = [1, 0.5, 2, -1, 0.25], beta: [Float] = [0, 1, -1, 0.5, 2]
        var y = [Float](repeating: 0, count: rows * width)
        var mean = [Float](repeating: 0, count: width), invstd = mean, rm = mean, scratch = [Float](repeating: 0, count: 2 * width)
        var rv = [Float](repeating: 1, count: width)
        batchNormTrainForward(y: &y, x: x, gamma: gamma, beta: beta, saveMean: &mean, saveInvstd: &invstd,
                              runningMean: &rm, runningVar: &rv, scratch: &scratch, rows: rows, width: width)
        for c in 0..<width {
            let col = (0..<rows).map { Double(x[$0 * width + c]) }
            let mu = col.reduce(0, +) / Double(rows)
            let biased = col.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / Double(rows)
            for r in 0..<rows {
                let expected = (col[r] - mu) / (biased + 1e-5).squareRoot() * Double(gamma[c]) + Double(beta[c])
                XCTAssertEqual(Double(y[r * width + c]), expected, accuracy: 1e-5)
            }
            XCTAssertEqual(Double(rm[c]), 0.1 * mu, accuracy: 1e-6)
            XCTAssertEqual(Double(rv[c]), 0.9 + 0.1 * biased * Double(rows) / Double(rows - 1), accuracy: 1e-6)
        }
    }
}
