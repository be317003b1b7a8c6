/// An 8-bit RGB image in memory, as PIL holds an image after `convert("RGB")`.
public struct RGBImage: Sendable, Equatable {
    /// Columns.
    public var width: Int
    /// Rows.
    public var height: Int
    /// (height, width, 3) row-major, channels R, G, B.
    public var pixels: [UInt8]

    /// An image over existing pixels.
    ///
    /// - Parameter pixels: (height, width, 3); must hold exactly `width * height * 3` values.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height * 3,
                     "RGBImage: \(pixels.count) bytes for \(width)x\(height)x3")
        self.width = width
        self.height = height
        self.pixels = pixels
    }
}
