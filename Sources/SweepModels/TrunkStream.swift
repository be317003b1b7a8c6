/// What the trunk computes in: fp32 (im2col and Winograd through OpenBLAS) or bf16 (oneDNN).
public enum TrunkPrecision: String, Sendable, Codable, CaseIterable {
    case fp32, bf16
}

/// One stream's forward pass over a batch of images: the fp32 network with its workspace, or
/// another precision's implementation (the bf16 trunk of `SweepDNNL`).
public protocol TrunkStream: AnyObject {
    /// Features of `count` images.
    ///
    /// - Parameters:
    ///   - input: (count, imageSize, imageSize, 3) normalised images, NHWC.
    ///   - count: at most the stream's batch size.
    ///   - features: (count, 2048) output.
    func forward(_ input: UnsafePointer<Float>, count: Int, features: UnsafeMutablePointer<Float>) throws
}

/// Makes the streams a `TrunkRunner` runs in parallel, each used by one thread at a time.
public protocol TrunkEngine: Sendable {
    /// `fp32` or `bf16`: what the features are computed in.
    var precision: String { get }
    /// A stream for batches of at most `batch` images of `imageSize` x `imageSize`.
    func makeStream(batch: Int, imageSize: Int) throws -> any TrunkStream
}

/// The fp32 trunk (`ResNet50.forward`) as a stream: one workspace, one thread.
final class FP32Stream: TrunkStream {
    let network: ResNet50
    let workspace: ResNet50.Workspace

    init(network: ResNet50, workspace: ResNet50.Workspace) {
        self.network = network
        self.workspace = workspace
    }

    func forward(_ input: UnsafePointer<Float>, count: Int, features: UnsafeMutablePointer<Float>) {
        network.forward(input, count: count, workspace: workspace, features: features)
    }
}
