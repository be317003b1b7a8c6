import CMatio
import Foundation

/// A MATLAB `.mat` file opened with libmatio (read-only, or created as MAT v5).
///
/// libmatio prints its complaints to stderr by default; `MatFile` routes them to a no-op
/// logger once, because every failure here becomes a `DataProblem` that names the file.
final class MatFile {
    private let handle: OpaquePointer
    /// The path as given.
    let path: String

    private init(handle: OpaquePointer, path: String) {
        self.handle = handle
        self.path = path
    }

    deinit { Mat_Close(handle) }

    private static let quietLog: Void = {
        _ = Mat_LogInitFunc("sweep", { _, _ in })
    }()

    /// Opens an existing file read-only; nil when libmatio cannot read it as a MATLAB file.
    static func open(_ path: String) -> MatFile? {
        _ = quietLog
        guard let handle = Mat_Open(path, Int32(MAT_ACC_RDONLY.rawValue)) else { return nil }
        return MatFile(handle: handle, path: path)
    }

    /// Creates (or truncates) a MATLAB v5 file.
    static func createV5(_ path: String, header: String) -> MatFile? {
        _ = quietLog
        guard let handle = Mat_CreateVer(path, header, MAT_FT_MAT5) else { return nil }
        return MatFile(handle: handle, path: path)
    }

    /// The version libmatio detected.
    var version: mat_ft { Mat_GetVersion(handle) }

    /// Reads variable `name` with its data; nil when the file has no such variable.
    func read(_ name: String) -> MatVariable? {
        guard let pointer = Mat_VarRead(handle, name) else { return nil }
        return MatVariable(owning: pointer)
    }

    /// Writes `variable`, zlib-compressed or not. Returns false when libmatio fails.
    func write(_ variable: MatVariable, compressed: Bool) -> Bool {
        Mat_VarWrite(handle, variable.pointer, compressed ? MAT_COMPRESSION_ZLIB : MAT_COMPRESSION_NONE) == 0
    }
}

/// A libmatio variable freed (with its cells) when the last reference goes.
final class MatVariable {
    /// The libmatio variable.
    let pointer: UnsafeMutablePointer<matvar_t>

    /// Takes ownership of `pointer`.
    init(owning pointer: UnsafeMutablePointer<matvar_t>) { self.pointer = pointer }

    deinit { Mat_VarFree(pointer) }

    /// A read-only view of the variable (keeps the variable alive).
    var view: MatView { MatView(owner: self, pointer: pointer) }

    /// A real double matrix `name` of (rows, columns); `columnMajor` holds rows*columns values
    /// in MATLAB's column-major order.
    static func doubleMatrix(name: String?, rows: Int, columns: Int, columnMajor: [Double]) -> MatVariable? {
        guard let p = rawDoubleMatrix(name: name, rows: rows, columns: columns, columnMajor: columnMajor) else { return nil }
        return MatVariable(owning: p)
    }

    /// A (rows, columns) cell array `name` holding `elements` in column-major order; the cell takes
    /// ownership of the elements (made by the `raw...` functions).
    static func cell(name: String, rows: Int, columns: Int,
                     elements: [UnsafeMutablePointer<matvar_t>]) -> MatVariable? {
        guard elements.count == rows * columns else { return nil }
        var dims = [rows, columns]
        guard let cell = Mat_VarCreate(name, MAT_C_CELL, MAT_T_CELL, 2, &dims, nil, 0) else {
            elements.forEach { Mat_VarFree($0) }
            return nil
        }
        let variable = MatVariable(owning: cell)
        for (i, element) in elements.enumerated() { _ = Mat_VarSetCell(cell, Int32(i), element) }
        return variable
    }

    /// An unnamed double matrix for a cell element (owned by the caller until put in a cell).
    static func rawDoubleMatrix(name: String?, rows: Int, columns: Int,
                                columnMajor: [Double]) -> UnsafeMutablePointer<matvar_t>? {
        guard columnMajor.count == rows * columns else { return nil }
        var dims = [rows, columns]
        var values = columnMajor
        return values.withUnsafeMutableBytes { bytes in
            Mat_VarCreate(name, MAT_C_DOUBLE, MAT_T_DOUBLE, 2, &dims, bytes.baseAddress, 0)
        }
    }

    /// A 1 x length char row vector holding `text` as UTF-16 code units (MATLAB's own char form).
    static func rawCharRow(_ text: String) -> UnsafeMutablePointer<matvar_t>? {
        var units = Array(text.utf16)
        var dims = [1, units.count]
        return units.withUnsafeMutableBytes { bytes in
            Mat_VarCreate(nil, MAT_C_CHAR, MAT_T_UINT16, 2, &dims, bytes.baseAddress, 0)
        }
    }
}

/// A look at a libmatio variable or one of its cells; holds the owning variable, so the
/// pointer stays valid as long as the view exists.
struct MatView {
    /// The top-level variable that owns `pointer`'s memory.
    let owner: MatVariable
    /// The variable or cell looked at.
    let pointer: UnsafeMutablePointer<matvar_t>

    /// MATLAB class.
    var classType: matio_classes { pointer.pointee.class_type }
    /// Dimensions (rank entries).
    var dims: [Int] {
        let rank = Int(pointer.pointee.rank)
        guard rank > 0, let d = pointer.pointee.dims else { return [] }
        return (0..<rank).map { d[$0] }
    }
    /// Number of elements.
    var elementCount: Int { dims.reduce(1, *) }
    /// "5x1 cell", "1x6 char", ... for messages.
    var summary: String { "\(dims.map(String.init).joined(separator: "x")) \(MatView.className(classType))" }

    /// The values of a real, dense double array in column-major order; nil for anything else.
    func doubles() -> [Double]? {
        guard classType == MAT_C_DOUBLE, pointer.pointee.isComplex == 0,
              pointer.pointee.data_type == MAT_T_DOUBLE, let data = pointer.pointee.data else { return nil }
        let n = elementCount
        return Array(UnsafeBufferPointer(start: data.assumingMemoryBound(to: Double.self), count: n))
    }

    /// The text of a char array (any of the code-unit widths libmatio reads); nil if not char.
    func text() -> String? {
        guard classType == MAT_C_CHAR else { return nil }
        let n = elementCount
        guard n > 0 else { return "" }
        guard let data = pointer.pointee.data else { return nil }
        switch pointer.pointee.data_type {
        case MAT_T_UINT16, MAT_T_UTF16, MAT_T_INT16:
            return String(decoding: UnsafeBufferPointer(start: data.assumingMemoryBound(to: UInt16.self), count: n), as: UTF16.self)
        case MAT_T_UINT8, MAT_T_INT8, MAT_T_UTF8:
            let bytes = UnsafeBufferPointer(start: data.assumingMemoryBound(to: UInt8.self), count: Int(pointer.pointee.nbytes))
            return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        default:
            return nil
        }
    }

    /// Element `index` (column-major) of a cell array.
    func cell(_ index: Int) -> MatView? {
        guard classType == MAT_C_CELL, index < elementCount,
              let element = Mat_VarGetCell(pointer, Int32(index)) else { return nil }
        return MatView(owner: owner, pointer: element)
    }

    /// MATLAB's name for a class.
    static func className(_ c: matio_classes) -> String {
        switch c {
        case MAT_C_CELL: "cell"
        case MAT_C_STRUCT: "struct"
        case MAT_C_CHAR: "char"
        case MAT_C_SPARSE: "sparse"
        case MAT_C_DOUBLE: "double"
        case MAT_C_SINGLE: "single"
        case MAT_C_INT8: "int8"
        case MAT_C_UINT8: "uint8"
        case MAT_C_INT16: "int16"
        case MAT_C_UINT16: "uint16"
        case MAT_C_INT32: "int32"
        case MAT_C_UINT32: "uint32"
        case MAT_C_INT64: "int64"
        case MAT_C_UINT64: "uint64"
        case MAT_C_EMPTY: "empty"
        default: "class \(c.rawValue)"
        }
    }
}
