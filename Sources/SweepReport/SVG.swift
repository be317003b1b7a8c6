import Foundation

/// A small SVG writer: elements appended as text, coordinates with one decimal, every text
/// escaped. Charts draw with it; the page inlines the result.
struct SVG {
    let width: Double, height: Double
    private(set) var body = ""

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
        body.reserveCapacity(4096)
    }

    /// `12.3` (one decimal, no `-0.0`).
    static func n(_ x: Double) -> String {
        guard x.isFinite, abs(x) < 1e12 else { return "0" }
        let tenths = Int((x * 10).rounded())
        if tenths % 10 == 0 { return String(tenths / 10) }
        let a = abs(tenths)
        return (tenths < 0 ? "-" : "") + String(a / 10) + "." + String(a % 10)
    }

    mutating func raw(_ text: String) { body += text }

    /// `<line>` from (x1, y1) to (x2, y2).
    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ attributes: String = "") {
        body += "<line x1=\"\(Self.n(x1))\" y1=\"\(Self.n(y1))\" x2=\"\(Self.n(x2))\" y2=\"\(Self.n(y2))\" \(attributes)/>"
    }

    /// `<text>`; `anchor` is start, middle or end.
    mutating func text(_ x: Double, _ y: Double, _ content: String, anchor: String = "start", _ attributes: String = "") {
        body += "<text x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" text-anchor=\"\(anchor)\" \(attributes)>\(HTML.escape(content))</text>"
    }

    /// `<polyline>` through `points`, with a hover title.
    mutating func polyline(_ points: [(Double, Double)], _ attributes: String, title: String? = nil) {
        let p = points.map { Self.n($0.0) + "," + Self.n($0.1) }.joined(separator: " ")
        if let title {
            body += "<polyline points=\"\(p)\" \(attributes)><title>\(HTML.escape(title))</title></polyline>"
        } else {
            body += "<polyline points=\"\(p)\" \(attributes)/>"
        }
    }

    /// `<circle>` with a hover title.
    mutating func circle(_ x: Double, _ y: Double, r: Double, _ attributes: String, title: String? = nil) {
        let head = "<circle cx=\"\(Self.n(x))\" cy=\"\(Self.n(y))\" r=\"\(Self.n(r))\" \(attributes)"
        body += title.map { head + "><title>\(HTML.escape($0))</title></circle>" } ?? head + "/>"
    }

    /// A cross (x) of half-size `r` centred at (x, y).
    mutating func cross(_ x: Double, _ y: Double, r: Double, _ attributes: String, title: String? = nil) {
        let d = "M\(Self.n(x - r)),\(Self.n(y - r))L\(Self.n(x + r)),\(Self.n(y + r))M\(Self.n(x - r)),\(Self.n(y + r))L\(Self.n(x + r)),\(Self.n(y - r))"
        let head = "<path d=\"\(d)\" \(attributes)"
        body += title.map { head + "><title>\(HTML.escape($0))</title></path>" } ?? head + "/>"
    }

    /// The finished element; `attributes` go on the `<svg>` tag (e.g. `data-plot`).
    func render(_ attributes: String = "", label: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Self.n(width)) \(Self.n(height))\" width=\"\(Self.n(width))\" "
            + "height=\"\(Self.n(height))\" role=\"img\" aria-label=\"\(HTML.escape(label))\" \(attributes)>\(body)</svg>"
    }
}

/// A plot area inside an SVG: margins for the axes, and drawing of axes with ticks and labels.
struct PlotFrame {
    let left: Double, top: Double, right: Double, bottom: Double

    init(width: Double, height: Double, left: Double = 58, top: Double = 14, right: Double = 14, bottom: Double = 44) {
        self.left = left
        self.top = top
        self.right = width - right
        self.bottom = height - bottom
    }

    /// Light grid lines and tick labels of `y`, the y axis line and its label (rotated).
    func yAxis(_ svg: inout SVG, _ y: AxisScale, label: String) {
        for t in y.ticks() {
            let py = y(t.value)
            svg.line(left, py, right, py, "class=\"grid\"")
            svg.text(left - 6, py + 4, t.label, anchor: "end", "class=\"tick\"")
        }
        svg.line(left, top, left, bottom, "class=\"axis\"")
        let mid = (top + bottom) / 2
        svg.raw("<text class=\"label\" text-anchor=\"middle\" transform=\"translate(14 \(SVG.n(mid))) rotate(-90)\">\(HTML.escape(label))</text>")
    }

    /// Tick labels of `x` (or `categories` at slots), the x axis line and its label.
    func xAxis(_ svg: inout SVG, _ x: AxisScale, label: String, categories: [String] = []) {
        if case .slots = x.kind {
            for (k, name) in categories.enumerated() { svg.text(x(Double(k)), bottom + 16, name, anchor: "middle", "class=\"tick\"") }
        } else {
            for t in x.ticks() {
                svg.line(x(t.value), bottom, x(t.value), bottom + 4, "class=\"axis\"")
                svg.text(x(t.value), bottom + 16, t.label, anchor: "middle", "class=\"tick\"")
            }
        }
        svg.line(left, bottom, right, bottom, "class=\"axis\"")
        svg.text((left + right) / 2, bottom + 36, label, anchor: "middle", "class=\"label\"")
    }
}

/// Colours that read on white and for most colour-blind readers (Okabe & Ito 2008, without
/// the yellow), for categories; and a blue ramp for the objective (light = worse).
enum Palette {
    static let categories = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#999933"]

    static func category(_ k: Int) -> String { categories[k % categories.count] }

    /// Colour of a trial's state.
    static func state(_ name: String) -> String {
        switch name {
        case "complete": return "#0072B2"
        case "diverged": return "#E69F00"
        case "failed": return "#C0392B"
        case "pruned": return "#7F7F7F"
        default: return "#BBBBBB"
        }
    }

    /// t in [0, 1], 1 = best: from a pale grey-blue to a deep blue.
    static func ramp(_ t: Double) -> String {
        let u = max(0, min(1, t.isFinite ? t : 0))
        let a = (r: 198.0, g: 214.0, b: 232.0), b = (r: 8.0, g: 48.0, b: 107.0)
        func mix(_ x: Double, _ y: Double) -> String {
            let v = Int((x + (y - x) * u).rounded())
            return (v < 16 ? "0" : "") + String(v, radix: 16, uppercase: true)
        }
        return "#" + mix(a.r, b.r) + mix(a.g, b.g) + mix(a.b, b.b)
    }
}
