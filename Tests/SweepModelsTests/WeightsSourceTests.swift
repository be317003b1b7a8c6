import XCTest
import Foundation
@testable import SweepModels
import SweepTensor

final class WeightsSourceTests: XCTestCase {
    func testParsing() throws {
        XCTAssertEqual(try WeightsSource(parsing: "imagenet"), .imagenet)
        XCTAssertEqual(try WeightsSource(parsing: "random"), .random(seed: 0))
        XCTAssertEqual(try WeightsSource(parsing: "random:42"), .random(seed: 42))
        XCTAssertEqual(try WeightsSource(parsing: "w/resnet.safetensors"), .file("w/resnet.safetensors"))
        XCTAssertThrowsError(try WeightsSource(parsing: "random:-1"))
        for source in [WeightsSource.imagenet, .random(seed: 7), .file("a.pth")] {
            XCTAssertEqual(try WeightsSource(parsing: source.description), source)
        }
    }

    func testImagenetSearchFollowsTorchHome() {
        let env = ["HOME": "/home/u", "TORCH_HOME": "~/th", "XDG_CACHE_HOME": "/xdg"]
        XCTAssertEqual(WeightsSource.imagenetSearchDirectories(environment: env),
                       ["/home/u/th/hub/checkpoints", "/xdg/torch/hub/checkpoints", "/home/u/.cache/torch/hub/checkpoints"])
        XCTAssertEqual(WeightsSource.imagenetSearchDirectories(environment: ["HOME": "/home/u", "XDG_CACHE_HOME": ""]),
                       ["/home/u/.cache/torch/hub/checkpoints"])
        XCTAssertEqual(WeightsSource.imagenetSearchDirectories(environment: ["HOME": "/h", "XDG_CACHE_HOME": "/h/.cache"]),
                       ["/h/.cache/torch/hub/checkpoints"])
    }

    func testImagenetNotFoundListsEveryPlace() throws {
        let dir = try FixtureWeights.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = ["HOME": dir.path + "/home", "TORCH_HOME": dir.path + "/torch"]
        XCTAssertThrowsError(try WeightsSource.imagenet.load(environment: env)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("resnet50-0676ba61.pth not found"), message)
            XCTAssertTrue(message.contains(dir.path + "/torch/hub/checkpoints/resnet50-0676ba61.pth"), message)
            XCTAssertTrue(message.contains(dir.path + "/home/.cache/torch/hub/checkpoints/resnet50-0676ba61.pth"), message)
        }
        // Found in the second place looked at.
        let checkpoints = dir.appendingPathComponent("home/.cache/torch/hub/checkpoints")
        try FileManager.default.createDirectory(at: checkpoints, withIntermediateDirectories: true)
        let target = checkpoints.appendingPathComponent("resnet50-0676ba61.pth").path
        try FileManager.default.copyItem(atPath: FixtureWeights.path("small.pth"), toPath: target)
        XCTAssertEqual(try WeightsSource.imagenet.resolvedPath(environment: env), target)
        let loaded = try WeightsSource.imagenet.load(environment: env)
        XCTAssertEqual(loaded.origin, target)
        XCTAssertEqual(loaded.stateDict["bn.num_batches_tracked"], Tensor(shape: [], data: [7]))
    }

    func testRandomInitFollowsTorchvisionScheme() throws {
        let loaded = try WeightsSource.random(seed: 5).load()
        XCTAssertEqual(loaded.identity, "random:5 init-v1")
        let w = loaded.stateDict
        XCTAssertEqual(w.count, ResNet50Layout.parameterShapes.count)
        for (key, shape) in ResNet50Layout.parameterShapes { XCTAssertEqual(w[key]?.shape, shape, key) }
        // kaiming_normal_(fan_out, relu): std sqrt(2 / (out * kh * kw)), mean 0.
        for key in ["layer3.0.conv2.weight", "layer4.2.conv3.weight", "conv1.weight"] {
            guard let t = w[key] else { return XCTFail(key) }
            let fanOut = t.shape[0] * t.shape[2] * t.shape[3]
            let (mean, std) = moments(t.data)
            XCTAssertEqual(std, (2 / Double(fanOut)).squareRoot(), accuracy: 0.02 * (2 / Double(fanOut)).squareRoot(), key)
            XCTAssertEqual(mean, 0, accuracy: 4 * std / Double(t.count).squareRoot(), key)
        }
        XCTAssertEqual(w["layer1.0.bn3.weight"]?.data, [Float](repeating: 1, count: 256))
        XCTAssertEqual(w["layer1.0.bn3.bias"]?.data, [Float](repeating: 0, count: 256))
        XCTAssertEqual(w["bn1.running_var"]?.data, [Float](repeating: 1, count: 64))
        XCTAssertEqual(w["bn1.running_mean"]?.data, [Float](repeating: 0, count: 64))
        XCTAssertEqual(w["bn1.num_batches_tracked"], Tensor(shape: [], data: [0]))
        // nn.Linear default: U(-1/sqrt(2048), 1/sqrt(2048)); std of a uniform is bound / sqrt(3).
        let bound = 1 / Double(2048).squareRoot()
        for key in ["fc.weight", "fc.bias"] {
            guard let t = w[key] else { return XCTFail(key) }
            XCTAssertLessThanOrEqual(Double(t.maxAbs), bound, key)
            XCTAssertGreaterThan(Double(t.maxAbs), 0.99 * bound, key)
            XCTAssertEqual(moments(t.data).std, bound / 3.0.squareRoot(), accuracy: 0.05 * bound, key)
        }
        // Seeded: the same seed gives the same weights, another seed others.
        let bias = { RandomInit.uniform(key: "fc.bias", seed: $0, shape: [1000], bound: bound) }
        XCTAssertEqual(bias(5), w["fc.bias"])
        XCTAssertNotEqual(bias(6), w["fc.bias"])
        XCTAssertNotEqual(RandomInit.uniform(key: "fc.weight", seed: 5, shape: [1000], bound: bound).data,
                          w["fc.bias"]?.data, "keys draw from different streams")
        XCTAssertNoThrow(try ResNet50(weights: w, file: loaded.origin, requireClassifier: true))
    }

    func moments(_ x: [Float]) -> (mean: Double, std: Double) {
        var sum = 0.0, squares = 0.0
        x.withUnsafeBufferPointer { for v in $0 { sum += Double(v); squares += Double(v) * Double(v) } }
        let mean = sum / Double(x.count)
        return (mean, (squares / Double(x.count) - mean * mean).squareRoot())
    }

    func testCounterRandomMatchesSplitmix64Reference() {
        // splitmix64.c (Vigna) seeded with 1234567: the first outputs of next().
        let stream: UInt64 = 1_234_567
        XCTAssertEqual(CounterRandom.bits(stream: stream, index: 0), 6_457_827_717_110_365_317)
        XCTAssertEqual(CounterRandom.bits(stream: stream, index: 1), 3_203_168_211_198_807_973)
        XCTAssertEqual(CounterRandom.bits(stream: stream, index: 2), 9_817_491_932_198_370_423)
        // FNV-1a 64 of "a" (reference value from the FNV specification's test suite).
        XCTAssertEqual(CounterRandom.stream("a"), 0xAF63_DC4C_8601_EC8C)
    }
}
