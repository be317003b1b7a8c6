import XCTest
import Foundation
@testable import SweepTrain

/// The optimisers alone, on gradients given by the fixture (no GEMM involved), against
/// torch.optim's single-tensor implementations. SGD must be bit-identical. Adam and AdamW may
/// differ by an ulp: torch's fp32 `sqrt` goes through MKL's vector math, which is not
/// correctly rounded (on this machine 17% of random inputs differ by 1 ulp from IEEE sqrt),
/// while ours is IEEE `sqrtps`; every other operation follows torch's order and fusion.
final class OptimizerTests: XCTestCase {
    struct Steps: Decodable {
        let initial: [Double]
        let gradients: [[Double]]
        let runs: [String: [[Double]]]
    }

    func testStepsAreBitIdenticalToTorch() throws {
        let fixture = try TrainFixtures.load("optimizer_steps", as: Steps.self)
        let configs: [String: OptimizerConfig] = [
            "adam": .adam(learningRate: 1e-3),
            "adam_l2": .adam(learningRate: 1e-3, weightDecay: 1e-2),
            "adamw": .adamW(learningRate: 1e-3, weightDecay: 1e-2),
            "sgd_nesterov": .sgd(learningRate: 1e-3, momentum: 0.9, nesterov: true, weightDecay: 1e-3),
            "sgd_momentum": .sgd(learningRate: 1e-3, momentum: 0.9),
            "sgd": .sgd(learningRate: 1e-3),
        ]
        XCTAssertEqual(Set(configs.keys), Set(fixture.runs.keys))
        for (name, config) in configs {
            let count = fixture.initial.count
            var parameters = fixture.initial.map { Float($0) }
            let optimizer = Optimizer(config: config, count: count)
            var scheduler = LRScheduler(schedule: .cosine(tMax: 5, etaMin: 5e-3), baseRate: config.learningRate)
            for (step, gradient) in fixture.gradients.enumerated() {
                let g = gradient.map { Float($0) }
                parameters.withUnsafeMutableBufferPointer { p in
                    g.withUnsafeBufferPointer { optimizer.step(parameters: p.baseAddress!, gradients: $0.baseAddress!, lr: scheduler.rate) }
                }
                scheduler.step()
                let expected = fixture.runs[name]![step].map { Float($0) }
                let ulps = zip(parameters, expected).map { abs(Int64($0.bitPattern) - Int64($1.bitPattern)) }
                let allowed: Int64 = config.kind == .sgd ? 0 : 2
                XCTAssertLessThanOrEqual(ulps.max() ?? 0, allowed, "\(name) step \(step): ulps from torch")
                if config.kind != .sgd {
                    XCTAssertLessThan(ulps.filter { $0 > 0 }.count, count / 20, "\(name) step \(step): parameters off by an ulp")
                }
            }
        }
    }
}
