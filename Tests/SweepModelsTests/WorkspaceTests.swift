import XCTest
@testable import SweepModels

/// The workspace's scratch holds one chunk of patches or a strided 1x1's subsampled input,
/// not a whole batch's patches.
final class WorkspaceTests: XCTestCase {
    func testScratchIsTheLargestChunkOrSubsample() {
        // Batch 8 at 224: layer2's strided downsample reads (8, 28, 28, 256), more than any
        // 2 MB chunk of patches (at most 2 MB / 4 = 524 288 floats).
        XCTAssertEqual(ResNet50.Workspace(n: 8).scratch.count, 8 * 28 * 28 * 256)
        // Chunks of 8 MB: the stem's chunk (rows of 7 * 7 * 3 floats) is now the largest.
        let rows = (8 << 20) / (147 * 4)
        XCTAssertEqual(ResNet50.Workspace(n: 8, patchChunkBytes: 8 << 20).scratch.count, rows * 147)
        // All at once (0): the stem's whole im2col, (8 * 112 * 112, 147).
        XCTAssertEqual(ResNet50.Workspace(n: 8, patchChunkBytes: 0).scratch.count, 8 * 112 * 112 * 147)
        // Another size: 256 gives layer2's downsample input (8, 32, 32, 256).
        XCTAssertEqual(ResNet50.Workspace(n: 8, h: 256, w: 256).scratch.count, 8 * 32 * 32 * 256)
    }
}
