import Foundation

/// Monotonic seconds since an arbitrary origin.
@inline(__always)
public func monotonicSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

/// Accumulates wall time per named step (e.g. per layer), for the benchmark's time table.
public final class Profiler: @unchecked Sendable {
    /// Seconds per step name.
    public private(set) var seconds: [String: Double] = [:]
    /// Step names in first-seen order.
    public private(set) var order: [String] = []

    /// A profiler with no steps yet.
    public init() {}

    /// Runs `body` and adds its wall time to `name`.
    @inline(__always)
    public func measure<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        let t0 = monotonicSeconds()
        let result = try body()
        let dt = monotonicSeconds() - t0
        if seconds[name] == nil { order.append(name) }
        seconds[name, default: 0] += dt
        return result
    }
}

extension Optional where Wrapped == Profiler {
    /// Runs `body`, timing it when a profiler is present.
    @inline(__always)
    public func measure<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        switch self {
        case .some(let p): return try p.measure(name, body)
        case .none: return try body()
        }
    }
}
