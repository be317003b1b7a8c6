import Foundation
import SweepCore

/// Maps data values to pixel positions along one axis: linear, logarithmic (base 10) or
/// categorical slots. Ticks are "nice" numbers (1, 2, 5 times a power of ten; whole decades on
/// log axes).
struct AxisScale {
    enum Kind: Equatable {
        case linear
        case log
        /// `count` evenly spaced slots, each `1` wide, slot `k` centred at `k`.
        case slots(Int)
    }

    let kind: Kind
    /// Data domain (for log: of the values themselves, both > 0).
    let lo: Double, hi: Double
    /// Pixel range: `lo` maps to `start`, `hi` to `end`.
    let start: Double, end: Double

    init(kind: Kind, lo: Double, hi: Double, start: Double, end: Double) {
        self.kind = kind
        self.start = start
        self.end = end
        switch kind {
        case .slots(let n):
            self.lo = -0.5
            self.hi = Double(max(1, n)) - 0.5
        case .log:
            let a = lo > 0 ? lo : 1e-12, b = hi > a ? hi : a * 10
            self.lo = a == b ? a / 3.1622776601683795 : a
            self.hi = a == b ? b * 3.1622776601683795 : b
        case .linear:
            if lo == hi {
                let pad = lo == 0 ? 1 : abs(lo) * 0.1
                self.lo = lo - pad
                self.hi = hi + pad
            } else {
                self.lo = lo
                self.hi = hi
            }
        }
    }

    /// A linear scale over `values` (finite ones), widened to nice tick bounds.
    static func nice(_ values: [Double], start: Double, end: Double, includeZero: Bool = false) -> AxisScale {
        let finite = values.filter(\.isFinite) + (includeZero ? [0] : [])
        guard var lo = finite.min(), var hi = finite.max() else { return AxisScale(kind: .linear, lo: 0, hi: 1, start: start, end: end) }
        if lo == hi { let pad = lo == 0 ? 1 : abs(lo) * 0.05; lo -= pad; hi += pad }
        let step = AxisScale.niceStep((hi - lo) / 5)
        return AxisScale(kind: .linear, lo: (lo / step).rounded(.down) * step, hi: (hi / step).rounded(.up) * step,
                     start: start, end: end)
    }

    /// The pixel position of `x` (for slots: of slot index `x`).
    func callAsFunction(_ x: Double) -> Double {
        let t: Double
        switch kind {
        case .log: t = (log10(max(x, 1e-300)) - log10(lo)) / (log10(hi) - log10(lo))
        default: t = (x - lo) / (hi - lo)
        }
        return start + t * (end - start)
    }

    /// 1, 2 or 5 times a power of ten, near `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw.isFinite, raw > 0 else { return 1 }
        let p = pow(10, floor(log10(raw)))
        let f = raw / p
        return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p
    }

    /// Tick positions and labels (not for slots: their labels are the category names).
    func ticks(target: Int = 5) -> [(value: Double, label: String)] {
        switch kind {
        case .slots: return []
        case .linear:
            let step = AxisScale.niceStep((hi - lo) / Double(max(1, target)))
            var out: [(Double, String)] = []
            var k = (lo / step - 1e-9).rounded(.up)
            while k * step <= hi + step * 1e-9 {
                let v = k * step
                out.append((abs(v) < step * 1e-9 ? 0 : v, Format.tick(abs(v) < step * 1e-9 ? 0 : v, step: step)))
                k += 1
            }
            return out
        case .log:
            let a = Int(floor(log10(lo) + 1e-9)), b = Int(ceil(log10(hi) - 1e-9))
            var out: [(Double, String)] = []
            let mantissas: [Double] = b - a <= 2 ? [1, 2, 5] : [1]
            for e in a...max(a, b) {
                for m in mantissas {
                    let v = m * pow(10, Double(e))
                    if v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9) { out.append((v, Format.tick(v, step: v))) }
                }
            }
            return out
        }
    }
}

extension ParameterAxis {
    /// The scale of this parameter between pixels `start` and `end`, and the position of a value.
    func scale(start: Double, end: Double) -> (AxisScale, (SweptValue) -> Double?) {
        switch self.scale {
        case .categorical:
            let s = AxisScale(kind: .slots(values.count), lo: 0, hi: 0, start: start, end: end)
            return (s, { v in values.firstIndex(of: v).map { s(Double($0)) } })
        case .linear, .log:
            let numbers = values.compactMap(\.number)
            let lo = numbers.min() ?? 0, hi = numbers.max() ?? 1
            if values.count <= 12 && self.scale == .linear && numbers.count == values.count {
                // A few grid values: padded so that the end values do not sit on the frame.
                let pad = hi > lo ? (hi - lo) * 0.08 : 0
                let s = AxisScale(kind: .linear, lo: lo - pad, hi: hi + pad, start: start, end: end)
                return (s, { $0.number.map(s.callAsFunction) })
            }
            let s = self.scale == .log
                ? AxisScale(kind: .log, lo: lo / pow(hi / lo, 0.06), hi: hi * pow(hi / lo, 0.06), start: start, end: end)
                : AxisScale(kind: .linear, lo: lo, hi: hi, start: start, end: end)
            return (s, { $0.number.map(s.callAsFunction) })
        }
    }
}
