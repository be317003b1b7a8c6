import Foundation
import XCTest

/// Locates the vision fixtures and reads the small `.npy` files the fixture script writes.
enum Fixtures {
    /// `Tests/Fixtures/vision`.
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent("vision")

    /// Path of a fixture file.
    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Names and sizes listed in `manifest.txt`.
    static func manifest() throws -> [(name: String, width: Int, height: Int, mode: String)] {
        let text = try String(contentsOfFile: path("manifest.txt"), encoding: .utf8)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line in
            let f = line.split(separator: " ")
            guard f.count >= 4, let w = Int(f[1]), let h = Int(f[2]) else { return nil }
            return (String(f[0]), w, h, String(f[3]))
        }
    }

    /// A version-1 `.npy`: its dtype descriptor, shape and raw little-endian payload.
    static func npy(_ name: String) throws -> (descr: String, shape: [Int], payload: Data) {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        guard data.count > 10, data.prefix(6) == Data([0x93] + Array("NUMPY".utf8)) else {
            throw NSError(domain: "npy", code: 1, userInfo: [NSLocalizedDescriptionKey: "\(name): not an npy file"])
        }
        let headerLength = Int(data[8]) | Int(data[9]) << 8
        let header = String(decoding: data[10..<(10 + headerLength)], as: UTF8.self)
        func field(_ key: String, _ open: Character, _ close: Character) -> String {
            guard let k = header.range(of: "'\(key)':"),
                  let a = header[k.upperBound...].firstIndex(of: open),
                  let b = header[header.index(after: a)...].firstIndex(of: close) else { return "" }
            return String(header[header.index(after: a)..<b])
        }
        XCTAssertTrue(header.contains("'fortran_order': False"), name)
        let shape = field("shape", "(", ")").split(separator: ",").compactMap {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
        return (field("descr", "'", "'"), shape, data.subdata(in: (10 + headerLength)..<data.count))
    }

    /// A uint8 `.npy` as bytes, with its shape.
    static func uint8Array(_ name: String) throws -> (shape: [Int], values: [UInt8]) {
        let f = try npy(name)
        XCTAssertEqual(f.descr, "|u1", name)
        return (f.shape, [UInt8](f.payload))
    }

    /// A little-endian float32 `.npy` as floats, with its shape.
    static func float32Array(_ name: String) throws -> (shape: [Int], values: [Float]) {
        let f = try npy(name)
        XCTAssertEqual(f.descr, "<f4", name)
        let values = f.payload.withUnsafeBytes { raw in
            (0..<(raw.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
        return (f.shape, values)
    }
}

/// Largest and mean absolute difference of two equal-length byte arrays.
func byteDifference(_ a: [UInt8], _ b: [UInt8]) -> (max: Int, mean: Double, count: Int) {
    var maxDiff = 0, total = 0, differing = 0
    for i in 0..<min(a.count, b.count) {
        let d = abs(Int(a[i]) - Int(b[i]))
        maxDiff = max(maxDiff, d)
        total += d
        if d != 0 { differing += 1 }
    }
    return (maxDiff, Double(total) / Double(max(a.count, 1)), differing)
}
