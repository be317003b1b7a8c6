// The input and output transforms of Winograd F(m x m, 3 x 3) (Lavin and Gray 2016, "Fast
// Algorithms for Convolutional Neural Networks"), vectorised over the channels of NHWC tiles.

/// The non-zero entries of each row of a small transform matrix, as Float.
struct SparseRows {
    /// Per row: (column, coefficient) pairs.
    let rows: [[(Int, Float)]]

    /// - Parameter matrix: (rows, columns) row-major.
    init(_ matrix: [Double], columns: Int) {
        rows = stride(from: 0, to: matrix.count, by: columns).map { start in
            (0..<columns).compactMap { j in matrix[start + j] == 0 ? nil : (j, Float(matrix[start + j])) }
        }
    }

    /// dst = sum over the row's entries of coefficient * src(column), `count` floats each.
    @inline(__always)
    func combine(row: Int, count: Int, into dst: UnsafeMutablePointer<Float>,
                 _ src: (Int) -> UnsafePointer<Float>) {
        var first = true
        for (column, coefficient) in rows[row] {
            let s = src(column)
            if first {
                for c in 0..<count { dst[c] = coefficient * s[c] }
                first = false
            } else {
                for c in 0..<count { dst[c] += coefficient * s[c] }
            }
        }
        if first { dst.update(repeating: 0, count: count) }
    }
}

enum WinogradStages {
    static let f2 = (bt: SparseRows(WinogradTile.f2.bt, columns: 4), at: SparseRows(WinogradTile.f2.at, columns: 4))
    static let f4 = (bt: SparseRows(WinogradTile.f4.bt, columns: 6), at: SparseRows(WinogradTile.f4.at, columns: 6))

    static func matrices(_ tile: WinogradTile) -> (bt: SparseRows, at: SparseRows) {
        tile.m == 2 ? f2 : f4
    }

    /// V = B^T d B for the tiles `tiles.lowerBound + local` (zero padding of 1 around the image).
    ///
    /// - Parameters:
    ///   - input: (n, h, w, channels)
    ///   - tiles: the pass's tiles (global numbers); `local` the slice of them this call does.
    ///   - v: (t * t, tiles.count, channels)
    static func transformInput(_ input: UnsafePointer<Float>, geometry g: TileGeometry, channels c: Int,
                               tiles: Range<Int>, local: Range<Int>, v: UnsafeMutablePointer<Float>) {
        let t = g.tile.t, count = tiles.count
        let bt = matrices(g.tile).bt
        let d = UnsafeMutablePointer<Float>.allocate(capacity: t * t * c)  // (t, t, c)
        let tmp = UnsafeMutablePointer<Float>.allocate(capacity: t * t * c)  // (t, t, c)
        defer { d.deallocate(); tmp.deallocate() }
        for l in local {
            let (b, oy, ox) = g.origin(tiles.lowerBound + l)
            for i in 0..<t {
                let iy = oy - 1 + i
                let row = d + i * t * c
                if iy < 0 || iy >= g.h {
                    row.update(repeating: 0, count: t * c)
                    continue
                }
                let x0 = max(0, ox - 1), x1 = min(g.w, ox - 1 + t)  // columns inside the image
                let lead = x0 - (ox - 1), inside = max(0, x1 - x0)
                if lead > 0 { row.update(repeating: 0, count: lead * c) }
                if inside > 0 { (row + lead * c).update(from: input + ((b * g.h + iy) * g.w + x0) * c, count: inside * c) }
                let trail = t - lead - inside
                if trail > 0 { (row + (lead + inside) * c).update(repeating: 0, count: trail * c) }
            }
            for i in 0..<t {
                for j in 0..<t {
                    bt.combine(row: i, count: c, into: tmp + (i * t + j) * c) { k in UnsafePointer(d + (k * t + j) * c) }
                }
            }
            for i in 0..<t {
                for j in 0..<t {
                    bt.combine(row: j, count: c, into: v + ((i * t + j) * count + l) * c) { k in
                        UnsafePointer(tmp + (i * t + k) * c)
                    }
                }
            }
        }
    }

    /// Y = A^T M A for each tile, plus bias (and the residual already in `output`, and ReLU),
    /// written where the tile lies inside the image.
    ///
    /// - Parameters:
    ///   - products: (t * t, tiles.count, channels)
    ///   - bias: (channels)
    ///   - output: (n, h, w, channels)
    static func transformOutput(_ products: UnsafePointer<Float>, geometry g: TileGeometry, channels c: Int,
                                tiles: Range<Int>, local: Range<Int>, bias: UnsafePointer<Float>,
                                output: UnsafeMutablePointer<Float>, accumulate: Bool, relu: Bool) {
        let t = g.tile.t, m = g.tile.m, count = tiles.count
        let at = matrices(g.tile).at
        let tmp = UnsafeMutablePointer<Float>.allocate(capacity: m * t * c)  // (m, t, c)
        let y = UnsafeMutablePointer<Float>.allocate(capacity: c)  // (c)
        defer { tmp.deallocate(); y.deallocate() }
        for l in local {
            let (b, oy, ox) = g.origin(tiles.lowerBound + l)
            for i in 0..<m {
                for j in 0..<t {
                    at.combine(row: i, count: c, into: tmp + (i * t + j) * c) { a in products + ((a * t + j) * count + l) * c }
                }
            }
            for i in 0..<min(m, g.h - oy) {
                for j in 0..<min(m, g.w - ox) {
                    at.combine(row: j, count: c, into: y) { k in UnsafePointer(tmp + (i * t + k) * c) }
                    let out = output + ((b * g.h + oy + i) * g.w + ox + j) * c
                    switch (accumulate, relu) {
                    case (true, true): for k in 0..<c { out[k] = max(out[k] + y[k] + bias[k], 0) }
                    case (true, false): for k in 0..<c { out[k] += y[k] + bias[k] }
                    case (false, true): for k in 0..<c { out[k] = max(y[k] + bias[k], 0) }
                    case (false, false): for k in 0..<c { out[k] = y[k] + bias[k] }
                    }
                }
            }
        }
    }
}
