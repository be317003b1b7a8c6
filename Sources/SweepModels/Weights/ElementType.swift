import Foundation

/// The element types a weight file may hold; all are converted to `Float` on reading
/// (int64 is meant for BatchNorm's `num_batches_tracked`, exact below 2^24).
enum ElementType: String, Sendable, CaseIterable {
    case float32, float64, float16, bfloat16, int64

    /// Bytes per element.
    var size: Int {
        switch self {
        case .float32: return 4
        case .float64, .int64: return 8
        case .float16, .bfloat16: return 2
        }
    }

    /// The safetensors dtype name (`F32`, ...).
    var safetensorsName: String {
        switch self {
        case .float32: return "F32"
        case .float64: return "F64"
        case .float16: return "F16"
        case .bfloat16: return "BF16"
        case .int64: return "I64"
        }
    }

    /// The type for a safetensors dtype name, nil when unsupported.
    init?(safetensorsName: String) {
        guard let t = ElementType.allCases.first(where: { $0.safetensorsName == safetensorsName }) else { return nil }
        self = t
    }

    /// The legacy torch storage class name (`FloatStorage`, ...) used in `.pth` pickles.
    var torchStorageName: String {
        switch self {
        case .float32: return "FloatStorage"
        case .float64: return "DoubleStorage"
        case .float16: return "HalfStorage"
        case .bfloat16: return "BFloat16Storage"
        case .int64: return "LongStorage"
        }
    }

    /// The type for a torch storage class name, nil when unsupported.
    init?(torchStorageName: String) {
        guard let t = ElementType.allCases.first(where: { $0.torchStorageName == torchStorageName }) else { return nil }
        self = t
    }

    /// The little-endian element at `index` of `raw`, as Float.
    /// - Parameter raw: (count * size) bytes.
    @inline(__always)
    func load(_ raw: UnsafeRawBufferPointer, _ index: Int) -> Float {
        let at = index * size
        switch self {
        case .float32:
            return Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
        case .float64:
            return Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self))))
        case .int64:
            return Float(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: Int64.self)))
        case .bfloat16:
            let b = UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt16.self))
            return Float(bitPattern: UInt32(b) << 16)
        case .float16:
            return halfToFloat(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt16.self)))
        }
    }

    /// Values `start ..< start + count` of `raw` as Floats.
    /// - Parameter raw: little-endian elements of this type.
    func floats(_ raw: UnsafeRawBufferPointer, start: Int, count: Int) -> [Float] {
        #if _endian(little)
        if self == .float32, count > 0 {
            return [Float](unsafeUninitializedCapacity: count) { out, initialized in
                if let base = out.baseAddress, let src = raw.baseAddress {
                    memcpy(base, src + start * 4, count * 4)
                }
                initialized = count
            }
        }
        #endif
        return (0..<count).map { load(raw, start + $0) }
    }
}

/// The writers' encodings: float32, or int64 (values rounded) for BatchNorm's
/// `num_batches_tracked` as torch stores it.
enum WrittenType: Sendable {
    case float32, int64

    /// The element type the bytes hold.
    var elementType: ElementType { self == .int64 ? .int64 : .float32 }

    /// The type torch gives the state_dict entry `key`: int64 for `*.num_batches_tracked`.
    init(key: String) { self = key.hasSuffix("num_batches_tracked") ? .int64 : .float32 }

    /// `values` as little-endian bytes of this type.
    func bytes(_ values: [Float]) -> Data {
        if self == .int64 {
            var data = Data(capacity: values.count * 8)
            for v in values { withUnsafeBytes(of: Int64(v.rounded()).littleEndian) { data.append(contentsOf: $0) } }
            return data
        }
        #if _endian(little)
        return values.withUnsafeBufferPointer { Data(buffer: $0) }
        #else
        var data = Data(capacity: values.count * 4)
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data
        #endif
    }
}

/// The number of elements of `shape`, nil when a dimension is negative or the product
/// overflows (a damaged file must give an error, not a trap).
func elementCount(_ shape: [Int]) -> Int? {
    var count = 1
    for d in shape {
        guard d >= 0 else { return nil }
        let (product, overflow) = count.multipliedReportingOverflow(by: d)
        guard !overflow else { return nil }
        count = product
    }
    return count
}

/// IEEE 754 binary16 -> binary32 (exact: every half value is a float).
func halfToFloat(_ h: UInt16) -> Float {
    let sign = UInt32(h & 0x8000) << 16
    let exponent = Int((h >> 10) & 0x1F)
    let mantissa = UInt32(h & 0x3FF)
    if exponent == 0x1F {  // inf / nan
        return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
    }
    if exponent == 0 {  // zero / subnormal: mantissa * 2^-24
        let magnitude = Float(mantissa) * 0x1p-24
        return sign != 0 ? -magnitude : magnitude
    }
    return Float(bitPattern: sign | (UInt32(exponent - 15 + 127) << 23) | (mantissa << 13))
}
