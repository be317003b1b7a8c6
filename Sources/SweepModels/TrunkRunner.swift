import Foundation
import SweepTensor

/// Runs the frozen trunk over many images with `streams` independent streams, each on its
/// own thread with a single-threaded GEMM and its own workspace, taking batches from a
/// shared counter. On two cores this beats one stream with a two-threaded GEMM (measured in
/// `make bench`), and the image decoding of one stream overlaps the other's GEMMs.
///
/// A runner serves one caller at a time: `run` uses the runner's own workspaces and sets the
/// process-wide OpenBLAS thread count for its duration, so two concurrent `run`s (on one
/// runner or two) are not supported.
public final class TrunkRunner: @unchecked Sendable {
    /// The network every stream runs (its fp32 form; `precision` says what runs).
    public let network: ResNet50
    /// `fp32`, or the engine's precision.
    public let precision: String
    /// Parallel streams, each with its own workspace and input batch.
    public let streams: Int
    /// Images per forward pass in each stream.
    public let batchPerStream: Int
    /// Height and width of the input images.
    public let imageSize: Int
    private let runners: [any TrunkStream]
    /// One (batchPerStream, imageSize, imageSize, 3) input batch per stream.
    private let inputs: [FloatBuffer]

    /// - Parameters:
    ///   - streams: parallel streams (normally the number of cores).
    ///   - batchPerStream: images per forward pass in each stream.
    ///   - imageSize: height and width of the images `run`'s `load` writes (the
    ///     preprocessing's `size`; the network takes any size).
    ///   - patchChunkBytes: the workspaces' bytes of patches per GEMM call (bench experiments).
    public init(network: ResNet50, streams: Int, batchPerStream: Int = 8, imageSize: Int,
                patchChunkBytes: Int = FoldedConv.defaultPatchChunkBytes) {
        self.network = network
        precision = "fp32"
        self.streams = max(1, streams)
        self.batchPerStream = max(1, batchPerStream)
        self.imageSize = imageSize
        runners = (0..<max(1, streams)).map { _ in
            FP32Stream(network: network, workspace: ResNet50.Workspace(n: max(1, batchPerStream), h: imageSize, w: imageSize,
                                                                      patchChunkBytes: patchChunkBytes))
        }
        inputs = (0..<max(1, streams)).map { _ in FloatBuffer(count: max(1, batchPerStream) * imageSize * imageSize * 3) }
    }

    /// A runner of `engine`'s streams (e.g. the bf16 trunk); `network` is its fp32 form.
    /// - Throws: what the engine throws making a stream.
    public init(engine: any TrunkEngine, network: ResNet50, streams: Int, batchPerStream: Int = 8, imageSize: Int) throws {
        self.network = network
        precision = engine.precision
        self.streams = max(1, streams)
        self.batchPerStream = max(1, batchPerStream)
        self.imageSize = imageSize
        runners = try (0..<max(1, streams)).map { _ in try engine.makeStream(batch: max(1, batchPerStream), imageSize: imageSize) }
        inputs = (0..<max(1, streams)).map { _ in FloatBuffer(count: max(1, batchPerStream) * imageSize * imageSize * 3) }
    }

    /// Features of images `range` of a collection.
    ///
    /// - Parameters:
    ///   - range: which images (indices passed to `load`).
    ///   - load: writes image `i` as a normalised (imageSize, imageSize, 3) NHWC tensor at the pointer.
    ///   - output: (range.count, 2048) features, in range order.
    ///   - progress: called after each batch with the number of images done so far (any thread).
    public func run(_ range: Range<Int>, load: @Sendable (Int, UnsafeMutablePointer<Float>) throws -> Void,
                    output: UnsafeMutablePointer<Float>, progress: @Sendable (Int) -> Void = { _ in }) throws {
        let previousThreads = BLAS.threads
        BLAS.setThreads(1)
        defer { BLAS.setThreads(previousThreads) }
        let state = RunState(batches: (range.count + batchPerStream - 1) / batchPerStream)
        nonisolated(unsafe) let out = output
        let features = ResNet50Layout.featureCount, imageValues = imageSize * imageSize * 3
        DispatchQueue.concurrentPerform(iterations: streams) { stream in
            let runner = runners[stream], input = inputs[stream]
            while let batch = state.take() {
                let lo = range.lowerBound + batch * batchPerStream
                let hi = min(range.upperBound, lo + batchPerStream)
                do {
                    for i in lo..<hi { try load(i, input.pointer + (i - lo) * imageValues) }
                } catch {
                    state.fail(error)
                    return
                }
                do {
                    try runner.forward(input.pointer, count: hi - lo, features: out + (lo - range.lowerBound) * features)
                } catch {
                    state.fail(error)
                    return
                }
                progress(state.finished(hi - lo))
            }
        }
        if let error = state.error { throw error }
    }
}

/// Hands out batch numbers and collects the first error.
private final class RunState: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private let batches: Int
    private var done = 0
    private(set) var error: (any Error)?

    init(batches: Int) { self.batches = batches }

    func take() -> Int? {
        lock.withLock {
            guard error == nil, next < batches else { return nil }
            next += 1
            return next - 1
        }
    }

    func finished(_ images: Int) -> Int { lock.withLock { done += images; return done } }

    func fail(_ e: any Error) { lock.withLock { if error == nil { error = e } } }
}
