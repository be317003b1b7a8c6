// NumPy's .npy format, version 1.0 (numpy/lib/format.py; NEP 1): the magic "\x93NUMPY", version
// 1 0, a little-endian u16 header length, a Python dict literal {'descr', 'fortran_order',
// 'shape'} padded with spaces and a newline so that the data start at a multiple of 64 bytes,
// then the values in C order. Written: little-endian float32 (`<f4`), float64 (`<f8`) and
// int64 (`<i8`); read: the same three, C order.
import Foundation

/// Reading and writing NumPy `.npy` files of one 1-D or 2-D array.
public enum NPY {
    /// The element types written and read.
    public enum DType: String, Sendable {
        case float32 = "<f4"
        case float64 = "<f8"
        case int64 = "<i8"

        var size: Int { self == .float32 ? 4 : 8 }
    }

    /// The header of a (rows, columns) array of `dtype`; the data follow it directly. `length`,
    /// when given (at least the natural length, a multiple of 64), pads it to that many bytes, so
    /// a header can be rewritten in place with a smaller shape.
    public static func header(rows: Int, columns: Int, dtype: DType = .float32, length: Int? = nil) -> Data {
        header(shape: [rows, columns], dtype: dtype, length: length)
    }

    /// The header of an array of `shape` (one or two dimensions), padded to `length` bytes when given.
    public static func header(shape: [Int], dtype: DType, length: Int? = nil) -> Data {
        let dims = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var dict = "{'descr': '\(dtype.rawValue)', 'fortran_order': False, 'shape': \(dims), }"
        let total = 10 + dict.utf8.count + 1
        let padded = max(length ?? 0, total + (64 - total % 64) % 64)
        dict += String(repeating: " ", count: padded - total) + "\n"
        var data = Data([0x93]) + Data("NUMPY".utf8) + Data([1, 0])
        let length = UInt16(dict.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xff), UInt8(length >> 8)])
        data.append(Data(dict.utf8))
        return data
    }

    /// A whole `.npy` file of float64 values.
    /// - Parameter values: (shape.reduce(1, *)) in C order.
    public static func file(_ values: [Double], shape: [Int]) -> Data {
        var data = header(shape: shape, dtype: .float64)
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    /// A whole `.npy` file of int64 values.
    /// - Parameter values: (shape.reduce(1, *)) in C order.
    public static func file(_ values: [Int], shape: [Int]) -> Data {
        var data = header(shape: shape, dtype: .int64)
        for v in values { withUnsafeBytes(of: Int64(v).littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    /// A problem with a `.npy` file.
    public struct Invalid: Error, CustomStringConvertible {
        /// What is wrong.
        public var description: String

        /// A problem described by `description`.
        public init(description: String) { self.description = description }
    }

    /// An array read from a `.npy` file: its shape and its values as Double (int64 and float32
    /// values convert exactly).
    public struct Values: Sendable, Equatable {
        /// One or two dimensions.
        public var shape: [Int]
        /// (shape.reduce(1, *)) in C order.
        public var values: [Double]
        /// The element type of the file.
        public var dtype: DType
    }

    /// Reads a 1-D or 2-D C-order array of float32, float64 or int64.
    public static func read(_ data: Data) throws -> Values {
        let bytes = [UInt8](data)
        guard bytes.count >= 10, bytes[0] == 0x93, bytes[1..<6].elementsEqual("NUMPY".utf8) else {
            throw Invalid(description: "not a .npy file (no \\x93NUMPY magic)")
        }
        let (headerLength, start): (Int, Int) = bytes[6] == 1
            ? (Int(bytes[8]) | Int(bytes[9]) << 8, 10)
            : (bytes.count >= 12 ? Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24 : -1, 12)
        guard headerLength > 0, start + headerLength <= bytes.count else { throw Invalid(description: "truncated .npy header") }
        let dict = String(decoding: bytes[start..<start + headerLength], as: UTF8.self)
        guard let dtype = DType.allCases.first(where: { dict.contains("'descr': '\($0.rawValue)'") }) else {
            throw Invalid(description: "unsupported .npy dtype in \(dict.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        guard dict.contains("'fortran_order': False") else { throw Invalid(description: "Fortran-order .npy is not supported") }
        guard let open = dict.range(of: "'shape': ("), let close = dict[open.upperBound...].firstIndex(of: ")") else {
            throw Invalid(description: "no shape in the .npy header")
        }
        let shape = dict[open.upperBound..<close].split(separator: ",").compactMap {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
        guard (1...2).contains(shape.count), shape.allSatisfy({ $0 >= 0 }) else {
            throw Invalid(description: "only 1-D and 2-D .npy arrays are supported, got shape \(shape)")
        }
        let count = shape.reduce(1, *)
        let dataStart = start + headerLength
        guard bytes.count - dataStart == count * dtype.size else {
            throw Invalid(description: "a \(shape) array of \(dtype.rawValue) needs \(count * dtype.size) bytes, the file has \(bytes.count - dataStart)")
        }
        var values = [Double](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            for i in 0..<count {
                let at = dataStart + i * dtype.size
                switch dtype {
                case .float32: values[i] = Double(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self))))
                case .float64: values[i] = Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)))
                case .int64: values[i] = Double(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: Int64.self)))
                }
            }
        }
        return Values(shape: shape, values: values, dtype: dtype)
    }
}

extension NPY.DType: CaseIterable {}
