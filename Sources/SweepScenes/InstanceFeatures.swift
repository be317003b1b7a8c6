/// The 9 x 15 instance features of one image, in the spirit of MIML's `bags`.
///
/// MIML represents each image as a bag of nine 15-dimensional instances with the SBN ("single
/// blob with neighbours") features of Maron & Ratan, "Multiple-Instance Learning for Natural
/// Scene Classification", ICML 1998 (used by Zhou & Zhang, "Multi-Instance Multi-Label Learning
/// with Application to Scene Classification", NIPS 2006). Here: the image is averaged down to
/// an 8 x 8 grid of cells (RGB in 0...1); a blob is 2 x 2 cells with its top-left cell at row,
/// column in {2, 3, 4} (nine blobs, row-major); its features are the blob's mean RGB (3), then
/// the blob minus each 2 x 2 neighbour above, below, left and right (4 x 3). MIML's exact
/// preprocessing (smoothing, colour space) is not documented with the data, so the numbers are
/// of the same kind, not the same scale. The reader ignores `bags`.
enum InstanceFeatures {
    /// Rows (instances) and columns (features).
    static let instances = 9, features = 15

    /// The features of `canvas`, (9, 15) row-major.
    static func sbn(_ canvas: SceneCanvas) -> [Double] {
        let w = canvas.width, h = canvas.height
        // Cell means, (8, 8, 3).
        var cells = [Double](repeating: 0, count: 8 * 8 * 3)
        var counts = [Double](repeating: 0, count: 8 * 8)
        for y in 0..<h {
            let cy = y * 8 / h
            for x in 0..<w {
                let cx = x * 8 / w
                let c = canvas.get(x, y)
                let k = cy * 8 + cx
                cells[k * 3] += Double(clamp01(c.x))
                cells[k * 3 + 1] += Double(clamp01(c.y))
                cells[k * 3 + 2] += Double(clamp01(c.z))
                counts[k] += 1
            }
        }
        for k in 0..<64 where counts[k] > 0 {
            for ch in 0..<3 { cells[k * 3 + ch] /= counts[k] }
        }
        func blob(_ r: Int, _ c: Int, _ ch: Int) -> Double {
            (cells[(r * 8 + c) * 3 + ch] + cells[(r * 8 + c + 1) * 3 + ch]
                + cells[((r + 1) * 8 + c) * 3 + ch] + cells[((r + 1) * 8 + c + 1) * 3 + ch]) / 4
        }
        var out = [Double](repeating: 0, count: instances * features)
        var row = 0
        for r in 2...4 {
            for c in 2...4 {
                let neighbours = [(r - 2, c), (r + 2, c), (r, c - 2), (r, c + 2)]
                for ch in 0..<3 {
                    let centre = blob(r, c, ch)
                    out[row * features + ch] = centre
                    for (j, (nr, nc)) in neighbours.enumerated() {
                        out[row * features + 3 + j * 3 + ch] = centre - blob(nr, nc, ch)
                    }
                }
                row += 1
            }
        }
        return out
    }
}
