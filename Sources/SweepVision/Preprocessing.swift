/// torchvision's evaluation transform for the trunk, on a JPEG file:
/// `Image.open(path).convert("RGB")` -> `Resize((size, size))` (Pillow antialiased
/// bilinear) -> `ToTensor()` -> `Normalize(mean, std)`, laid out **NHWC**: one image
/// is (size, size, 3) row-major, as the ResNet50 in SweepModels consumes it.
public struct Preprocessing: Sendable, Hashable, Codable {
    /// Output height and width.
    public var size: Int
    /// Per-channel mean (R, G, B) subtracted after scaling to [0, 1].
    public var mean: [Float] { didSet { table = Self.table(mean: mean, std: std) } }
    /// Per-channel standard deviation (R, G, B) divided by.
    public var std: [Float] { didSet { table = Self.table(mean: mean, std: std) } }
    /// (3, 256): the normalised value of each channel's byte values, derived from mean and std
    /// (so neither compared, hashed nor encoded).
    private var table: [Float]

    /// The ImageNet transform of the reference notebook: 224 x 224,
    /// mean (0.485, 0.456, 0.406), std (0.229, 0.224, 0.225).
    public static let imagenet = Preprocessing()

    /// A transform; the defaults are ImageNet's.
    ///
    /// - Parameters:
    ///   - size: positive.
    ///   - mean: (3).
    ///   - std: (3), non-zero.
    public init(size: Int = 224, mean: [Float] = [0.485, 0.456, 0.406], std: [Float] = [0.229, 0.224, 0.225]) {
        precondition(Self.problem(size: size, mean: mean, std: std) == nil, "Preprocessing: bad size, mean or std")
        self.size = size
        self.mean = mean
        self.std = std
        table = Self.table(mean: mean, std: std)
    }

    private enum CodingKeys: String, CodingKey { case size, mean, std }

    /// Decodes a transform, rejecting a non-positive size or a mean/std that is not 3 values.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let size = try c.decode(Int.self, forKey: .size)
        let mean = try c.decode([Float].self, forKey: .mean)
        let std = try c.decode([Float].self, forKey: .std)
        if let problem = Self.problem(size: size, mean: mean, std: std) {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: problem))
        }
        self.size = size
        self.mean = mean
        self.std = std
        table = Self.table(mean: mean, std: std)
    }

    /// Equal when size, mean and std are.
    public static func == (a: Preprocessing, b: Preprocessing) -> Bool {
        a.size == b.size && a.mean == b.mean && a.std == b.std
    }

    /// Hashes size, mean and std.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(size)
        hasher.combine(mean)
        hasher.combine(std)
    }

    private static func problem(size: Int, mean: [Float], std: [Float]) -> String? {
        if size <= 0 { return "preprocessing size must be positive, got \(size)" }
        if mean.count != 3 || std.count != 3 { return "preprocessing mean and std need 3 values each" }
        if std.contains(0) { return "preprocessing std must not be zero" }
        return nil
    }

    /// Floats per image: size * size * 3.
    public var valuesPerImage: Int { size * size * 3 }

    /// Stable text naming this transform, for cache keys: any change of size, mean
    /// or std changes it (floats written with their shortest round-trip spelling).
    public var identity: String {
        "pil-rgb-resize-bilinear-pillow13-\(size)x\(size)-totensor-normalize-nhwc"
            + ";mean=" + mean.map { "\($0)" }.joined(separator: ",")
            + ";std=" + std.map { "\($0)" }.joined(separator: ",")
    }

    /// The normalised image of the JPEG at `path`.
    ///
    /// - Returns: (size, size, 3) NHWC floats.
    public func callAsFunction(_ path: String) throws(ImageError) -> [Float] {
        var out = [Float](repeating: 0, count: valuesPerImage)
        try out.withUnsafeMutableBufferPointer { (buffer) throws(ImageError) in
            guard let base = buffer.baseAddress else { return }
            try load(path, into: base)
        }
        return out
    }

    /// Decodes, resizes and normalises the JPEG at `path` straight into `out`
    /// (typically one slot of a batch buffer).
    ///
    /// - Parameter out: (size, size, 3) floats to overwrite.
    public func load(_ path: String, into out: UnsafeMutablePointer<Float>) throws(ImageError) {
        let image = try ImageDecoder.decode(fileAt: path)
        normalize(PillowResize.resize(image, width: size, height: size), into: out)
    }

    /// `ToTensor` + `Normalize` of an image already `size` x `size` (resize it first).
    ///
    /// - Parameters:
    ///   - image: (size, size, 3) pixels.
    ///   - out: (size, size, 3) floats to overwrite.
    public func normalize(_ image: RGBImage, into out: UnsafeMutablePointer<Float>) {
        precondition(image.width == size && image.height == size,
                     "normalize: \(image.width)x\(image.height) image, expected \(size)x\(size)")
        image.pixels.withUnsafeBufferPointer { src in
            guard let base = src.baseAddress else { return }
            Self.normalizeForward(base, out, pixels: size * size, table: table)
        }
    }

    /// (3, 256) table of (v / 255 - mean[c]) / std[c] in fp32 for every byte value v, the
    /// operations and order of torchvision's `ToTensor().div(255)` then `Normalize`'s
    /// `sub_(mean).div_(std)`.
    ///
    /// - Parameters:
    ///   - mean: (3).
    ///   - std: (3).
    static func table(mean: [Float], std: [Float]) -> [Float] {
        var table = [Float](repeating: 0, count: 3 * 256)  // (3, 256)
        for c in 0..<3 {
            for v in 0..<256 { table[c * 256 + v] = (Float(v) / 255 - mean[c]) / std[c] }
        }
        return table
    }

    /// out = (x / 255 - mean[c]) / std[c], through the (3, 256) `table`: exact because each
    /// entry is that same fp32 expression.
    ///
    /// - Parameters:
    ///   - x: (pixels, 3) uint8.
    ///   - out: (pixels, 3) floats.
    ///   - table: (3, 256) from `table(mean:std:)`.
    static func normalizeForward(_ x: UnsafePointer<UInt8>, _ out: UnsafeMutablePointer<Float>, pixels: Int,
                                 table: [Float]) {
        table.withUnsafeBufferPointer { t in
            guard let lut = t.baseAddress, t.count == 3 * 256 else { return }
            for i in 0..<pixels {
                out[3 * i] = lut[Int(x[3 * i])]
                out[3 * i + 1] = lut[256 + Int(x[3 * i + 1])]
                out[3 * i + 2] = lut[512 + Int(x[3 * i + 2])]
            }
        }
    }
}
