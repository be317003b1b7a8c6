import Dispatch

/// Splits `0..<count` into at most `ways` contiguous ranges and runs `body` on each, in parallel.
///
/// Used for the memory-bound passes between GEMMs (im2col, bias + ReLU, pooling); the GEMMs
/// themselves are threaded by OpenBLAS.
public func parallelRanges(_ count: Int, ways: Int, minimumChunk: Int = 4096,
                           _ body: (Range<Int>) -> Void) {
    let parts = max(1, min(ways, count / max(1, minimumChunk)))
    if parts == 1 {
        body(0..<count)
        return
    }
    let chunk = (count + parts - 1) / parts
    // The ranges are disjoint, so the closure's writes through raw pointers never overlap.
    nonisolated(unsafe) let body = body
    DispatchQueue.concurrentPerform(iterations: parts) { p in
        let lo = p * chunk
        let hi = min(count, lo + chunk)
        if lo < hi { body(lo..<hi) }
    }
}
