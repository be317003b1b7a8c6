import Foundation
import SweepCore

/// Number and text formatting shared by the HTML and terminal renderers. Leaderboard cells are
/// never reformatted: they are shown as `leaderboard.csv` has them.
enum Format {
    /// `0.8123` (fixed digits); `-` for nil, `nan`/`inf` for non-finite values.
    static func fixed(_ x: Double?, _ digits: Int = 4) -> String {
        guard let x else { return "-" }
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        return String(format: "%.\(digits)f", x)
    }

    /// `42 s`, `3 min 05 s`, `2 h 03 min`.
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "-" }
        if seconds < 60 { return String(format: seconds < 10 ? "%.1f s" : "%.0f s", seconds) }
        let s = Int(seconds.rounded())
        if s < 3600 { return String(format: "%d min %02d s", s / 60, s % 60) }
        return String(format: "%d h %02d min", s / 3600, (s % 3600) / 60)
    }

    /// A tick label: as short as the step allows (`0.25`, `1e-4`, `100`).
    static func tick(_ x: Double, step: Double) -> String {
        if x == 0 { return "0" }
        let magnitude = abs(x)
        if magnitude >= 1e5 || magnitude < 1e-3 {
            let exponent = Int(floor(log10(magnitude)))
            let mantissa = x / pow(10, Double(exponent))
            let m = abs(mantissa - mantissa.rounded()) < 1e-9 ? String(Int(mantissa.rounded())) : String(format: "%.1f", mantissa)
            return "\(m)e\(exponent)"
        }
        let digits = max(0, min(6, Int(ceil(-log10(step) - 1e-9))))
        var text = String(format: "%.\(digits)f", x)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    /// A searched value as an axis label: numbers in at most 4 significant digits (`2.783e-05`
    /// as `2.78e-5`), text cut to 14 characters.
    static func value(_ v: SweptValue) -> String {
        if let x = v.number {
            let plain = v.description
            if plain.count <= 7 { return plain }
            let e = Int(floor(log10(abs(x))))
            if abs(x) >= 1e-3 && abs(x) < 1e5 {
                return tick((x / pow(10, Double(e - 2))).rounded() * pow(10, Double(e - 2)), step: pow(10, Double(e - 2)))
            }
            let mantissa = (x / pow(10, Double(e)) * 100).rounded() / 100
            return tick(mantissa, step: 0.01) + "e\(e)"
        }
        let text = v.description
        return text.count <= 14 ? text : String(text.prefix(13)) + "…"
    }

    /// `dropout=0.3 lr=0.001`.
    static func parameters(_ values: [String: SweptValue], order: [String]) -> String {
        order.map { "\($0)=\(values[$0]?.description ?? "?")" }.joined(separator: " ")
    }

    /// `2026-11-29 09:35:12 UTC`.
    static func date(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm:ss 'UTC'"
        return f.string(from: date)
    }
}

/// Escaping for HTML text and attribute values.
enum HTML {
    /// `&`, `<`, `>`, `"` and `'` as entities.
    static func escape(_ s: String) -> String {
        guard s.contains(where: { $0 == "&" || $0 == "<" || $0 == ">" || $0 == "\"" || $0 == "'" }) else { return s }
        var out = ""
        out.reserveCapacity(s.count + 16)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
