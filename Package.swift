// swift-tools-version: 6.1
// sweep: a native Swift AutoML sweep orchestrator for multi-label image classification.
import PackageDescription

/// Modules flow one way:
/// C wrappers -> SweepTensor -> SweepVision / SweepModels -> SweepTrain -> SweepData -> SweepScenes, SweepFeatureCache
/// -> SweepCore (spec, trials, plugin registry; no numerics) -> SweepRunner -> SweepReport -> `sweep`.
/// `SweepPluginAPI` is the small protocol module that loss and metric plugins build on; the built-ins
/// (`SweepStandardPlugins`) and the user's folders under `plugins/` (`SweepUserPlugins`) are registered
/// by the `PluginRegistry` build-tool plugin, joined by `SweepPlugins`, and checked by `SweepPluginChecks`.
/// -Ounchecked (no bounds or overflow traps) only for the numeric kernels' modules; modules that
/// parse user files (weights, .mat, CSV, manifests) keep Swift's checks, so bad input traps
/// instead of corrupting memory.
let strict: [SwiftSetting] = [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
/// The modules whose loops the debug-built tests run in-process (the synthetic renderer, the
/// head's trainer, the kernels) are optimised in debug builds too: unoptimised, they made the
/// test suite minutes slower (a contract test's reference training, a rendered test data set).
let fastInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

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
        .package(url: "https://github.com/apple/swift-subprocess", from: "1.0.2"),
    ],
    targets: [
        // C wrappers
        .systemLibrary(name: "CBLAS", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CMatio", providers: [.apt(["libmatio-dev"])]),
        .systemLibrary(name: "CCrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CDNNL", providers: [.apt(["libdnnl-dev"])]),
        .target(name: "CJPEG", linkerSettings: [.linkedLibrary("jpeg")]),
        .target(name: "CPNG", linkerSettings: [.linkedLibrary("png16")]),
        // the one CSV reader and writer (RFC 4180) of every CSV sweep reads or writes
        .target(name: "SweepCSV"),
        // numerics
        .target(name: "SweepTensor", dependencies: ["CBLAS", "CCrypto"], swiftSettings: strict),
        .target(name: "SweepVision", dependencies: ["SweepTensor", "CJPEG", "CPNG"], swiftSettings: strict),
        .target(name: "SweepModels", dependencies: ["SweepTensor", "ZIPFoundation"]),
        // the bf16 trunk: oneDNN's convolution primitives (AVX-512 BF16), weights from SweepModels' folded network
        .target(name: "SweepDNNL", dependencies: ["CDNNL", "SweepModels", "SweepTensor"], swiftSettings: strict),
        .target(name: "SweepPluginAPI"),
        // plugins: built-ins and the user's folders under plugins/, both registered by the
        // PluginRegistry build-tool plugin (no hand-kept list), and the shared conformance suite
        .executableTarget(name: "PluginRegistryGenerator", dependencies: ["CCrypto"]),
        .plugin(name: "PluginRegistry", capability: .buildTool(), dependencies: ["PluginRegistryGenerator"]),
        .target(name: "SweepStandardPlugins", dependencies: ["SweepPluginAPI"], swiftSettings: strict,
                plugins: ["PluginRegistry"]),
        .target(name: "SweepUserPlugins", dependencies: ["SweepPluginAPI"], path: "plugins",
                exclude: ["README.md"], plugins: ["PluginRegistry"]),
        .target(name: "SweepPlugins", dependencies: ["SweepPluginAPI", "SweepStandardPlugins", "SweepUserPlugins"]),
        .target(name: "SweepPluginChecks", dependencies: ["SweepPluginAPI"]),
        // -fno-math-errno: lets Float.squareRoot() (a C shim on Linux) vectorise in the optimiser loop
        .target(name: "SweepTrain", dependencies: ["SweepTensor", "SweepPluginAPI"],
                swiftSettings: strict + fastInDebug + [.unsafeFlags(["-Xcc", "-fno-math-errno"])]),
        // data sets: the MIML and CSV readers, the MIML writer, splits and folds, durable files
        .target(name: "SweepData", dependencies: ["SweepVision", "CMatio", "CJPEG", "SweepCSV"]),
        // the trunk's features, extracted once into a content-hashed, crash-safe cache
        .target(name: "SweepFeatureCache", dependencies: ["SweepData", "SweepVision", "SweepModels", "SweepDNNL", "SweepTensor"]),
        // the synthetic MIML-format scenes (`sweep data synth`, the stand-in data of `make run` and the tests)
        .target(name: "SweepScenes", dependencies: ["SweepData", "SweepVision", "SweepTensor"], swiftSettings: strict + fastInDebug),
        // search beyond grids: distributions, random and TPE samplers, pruners, racing (pure; no dependencies)
        .target(name: "SweepSearch"),
        // orchestration (no numerics)
        .target(name: "SweepCore", dependencies: ["SweepPluginAPI", "SweepSearch", "SweepTensor", "SweepCSV", "Yams"]),
        // choosing a configuration from its runs: per-configuration statistics (mean, sd, t interval),
        // the leaderboard of configurations, per-class threshold tuning
        .target(name: "SweepSelection", dependencies: ["SweepCore", "SweepSearch", "SweepCSV", "SweepPluginAPI"]),
        // where work runs (no numerics): local worker processes, Slurm jobs, their queues and protocol
        .target(name: "SweepExecutors", dependencies: [
            "SweepCore", "SweepData", "SweepFeatureCache", "SweepTensor",
            .product(name: "Subprocess", package: "swift-subprocess"),
        ]),
        .target(name: "SweepRunner", dependencies: [
            "SweepCore", "SweepSearch", "SweepSelection", "SweepExecutors", "SweepTrain", "SweepData", "SweepFeatureCache", "SweepScenes", "SweepPlugins", "SweepModels", "SweepVision", "SweepDNNL",
            .product(name: "Subprocess", package: "swift-subprocess"),
        ]),
        // the HTML report and the terminal view of a results folder
        .target(name: "SweepReport", dependencies: ["SweepRunner", "SweepSelection", "SweepCore", "SweepData", "SweepTensor"]),
        .executableTarget(name: "sweep", dependencies: [
            "SweepRunner", "SweepReport", "SweepSelection", "SweepExecutors", "SweepCore", "SweepPlugins", "SweepPluginChecks", "SweepData", "SweepFeatureCache", "SweepScenes",
            "SweepModels", "SweepVision", "SweepTrain", "SweepCSV", "SweepDNNL",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // runs the feature cache with the fake extractor, for SweepDataTests' SIGKILL and two-process tests
        .executableTarget(name: "sweep-cache-testhelper", dependencies: ["SweepFeatureCache", "SweepData"]),
        .executableTarget(name: "sweep-bench", dependencies: ["SweepSearch", "SweepRunner", "SweepReport", "SweepExecutors", "SweepModels", "SweepTensor", "SweepData", "SweepFeatureCache", "SweepScenes", "SweepTrain", "SweepPlugins", "SweepPluginAPI", "SweepVision", "SweepDNNL"], swiftSettings: strict),
        // tests
        // ReportedSkip: a skipped test counted and named in `make test`'s summary line
        .target(name: "SweepTestSupport", path: "Sources/SweepTestSupport"),
        .testTarget(name: "SweepTensorTests", dependencies: ["SweepTensor"]),
        .testTarget(name: "SweepCSVTests", dependencies: ["SweepCSV"]),
        .testTarget(name: "SweepVisionTests", dependencies: ["SweepVision"]),
        .testTarget(name: "SweepModelsTests", dependencies: ["SweepModels", "SweepDNNL", "SweepVision", "SweepTestSupport"]),
        .testTarget(name: "SweepPluginTests", dependencies: ["SweepPlugins", "SweepStandardPlugins", "SweepPluginChecks", "SweepPluginAPI",
                                                             "SweepTestSupport"]),
        .testTarget(name: "SweepTrainTests", dependencies: ["SweepTrain", "SweepStandardPlugins"]),
        .testTarget(name: "SweepDataTests", dependencies: ["SweepData", "SweepScenes", "SweepCSV", "SweepTestSupport"]),
        .testTarget(name: "SweepScenesTests", dependencies: ["SweepScenes", "SweepData", "SweepTestSupport"]),
        .testTarget(name: "SweepFeatureCacheTests", dependencies: ["SweepFeatureCache", "SweepData", "SweepModels", "SweepVision",
                                                                   "SweepTestSupport", "sweep-cache-testhelper"]),
        .testTarget(name: "SweepSearchTests", dependencies: ["SweepSearch"]),
        .testTarget(name: "SweepCoreTests", dependencies: ["SweepCore", "SweepPluginAPI", "SweepTensor", "SweepSearch"]),
        .testTarget(name: "SweepSelectionTests", dependencies: ["SweepSelection", "SweepCore", "SweepSearch", "SweepCSV"]),
        .testTarget(name: "SweepExecutorsTests", dependencies: ["SweepExecutors", "SweepData"]),
        .testTarget(name: "SweepRunnerTests", dependencies: ["SweepRunner", "SweepCore", "SweepCSV", "SweepData", "SweepPlugins", "SweepTestSupport"]),
        .testTarget(name: "SweepReportTests", dependencies: ["SweepReport", "SweepRunner", "SweepCore", "SweepData"]),
        // end-to-end tests of the release `sweep` binary; SweepModels writes broken weight files for `sweep embed`;
        // ContractTests train in-process what the binary trained (SweepTrain, the plugins, the cached features)
        .testTarget(name: "SweepCLITests", dependencies: ["SweepSearch", "SweepModels", "SweepTensor", "SweepTrain", "SweepData", "SweepFeatureCache",
                                                          "SweepPlugins", "SweepPluginAPI", "SweepVision", "SweepCSV",
                                                          "SweepDNNL", "SweepTestSupport"]),
    ]
)
