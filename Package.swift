// swift-tools-version: 6.1
// sweep: a native Swift AutoML sweep orchestrator for multi-label image classification.
import PackageDescription

/// Modules flow one way:
/// C wrappers -> SweepTensor -> SweepVision / SweepModels -> SweepTrain -> SweepData
/// -> SweepCore (spec, trials, plugin registry; no numerics) -> SweepRunner -> `sweep`.
/// `SweepPluginAPI` is the small protocol module that loss and metric plugins build on.
let strict: [SwiftSetting] = [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]

let package = Package(
    name: "sweep",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "sweep", targets: ["sweep"]),
        .executable(name: "sweep-bench", targets: ["sweep-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // C wrappers
        .systemLibrary(name: "CBLAS", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CMatio", providers: [.apt(["libmatio-dev"])]),
        .systemLibrary(name: "CCrypto", providers: [.apt(["libssl-dev"])]),
        .target(name: "CJPEG", linkerSettings: [.linkedLibrary("jpeg")]),
        // numerics
        .target(name: "SweepTensor", dependencies: ["CBLAS", "CCrypto"], swiftSettings: strict),
        .target(name: "SweepVision", dependencies: ["SweepTensor", "CJPEG"], swiftSettings: strict),
        .target(name: "SweepModels", dependencies: ["SweepTensor", "ZIPFoundation"], swiftSettings: strict),
        .target(name: "SweepPluginAPI"),
        .target(name: "SweepStandardPlugins", dependencies: ["SweepPluginAPI"], swiftSettings: strict),
        .target(name: "SweepTrain", dependencies: ["SweepTensor", "SweepPluginAPI"], swiftSettings: strict),
        .target(name: "SweepData", dependencies: ["SweepVision", "SweepModels", "CMatio", "CJPEG"], swiftSettings: strict),
        // orchestration (no numerics)
        .target(name: "SweepCore", dependencies: ["SweepPluginAPI", "Yams"]),
        .target(name: "SweepRunner", dependencies: ["SweepCore", "SweepTrain", "SweepData", "SweepStandardPlugins"]),
        .executableTarget(name: "sweep", dependencies: [
            "SweepRunner", "SweepData", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "sweep-bench", dependencies: ["SweepRunner", "SweepModels", "SweepTensor"], swiftSettings: strict),
        // tests
        .testTarget(name: "SweepTensorTests", dependencies: ["SweepTensor"]),
        .testTarget(name: "SweepVisionTests", dependencies: ["SweepVision"]),
        .testTarget(name: "SweepModelsTests", dependencies: ["SweepModels", "SweepVision"]),
        .testTarget(name: "SweepPluginTests", dependencies: ["SweepStandardPlugins", "SweepPluginAPI"]),
        .testTarget(name: "SweepTrainTests", dependencies: ["SweepTrain", "SweepStandardPlugins"]),
        .testTarget(name: "SweepDataTests", dependencies: ["SweepData"]),
        .testTarget(name: "SweepCoreTests", dependencies: ["SweepCore"]),
        .testTarget(name: "SweepCLITests", dependencies: []),
    ]
)
