import XCTest
import Foundation
@testable import SweepModels
import SweepTensor

/// The pickle machine against pickles written by CPython's `pickle.dumps`.
final class PickleMachineTests: XCTestCase {
    /// `pickle.dumps(obj, protocol=p).hex()` (CPython 3.11) for
    /// `shared = [7]; obj = {'a': [1, -2, 3.5, True, False, None, 'xé', 1000, 70000, 2**40, -2**40, -300],
    ///  'b': (1, 2), 'c': (), 's': shared, 't': shared}`.
    static let protocol2 = "80027d71002858010000006171015d7102284b014afeffffff47400c00000000000088894e580300000078c3a971034de8034a701101008a060000000000018a060000000000ff4ad4feffff6558010000006271044b014b0286710558010000006371062958010000007371075d71084b076158010000007471096808752e"
    static let protocol4 = "80049561000000000000007d94288c0161945d94284b014afeffffff47400c00000000000088894e8c0378c3a9944de8034a701101008a060000000000018a060000000000ff4ad4feffff658c0162944b014b0286948c016394298c0173945d944b07618c0174946808752e"

    func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var i = hex.startIndex
        while i < hex.endIndex {
            let j = hex.index(i, offsetBy: 2)
            out.append(UInt8(hex[i..<j], radix: 16) ?? 0)
            i = j
        }
        return out
    }

    func run(_ bytes: [UInt8]) throws -> PickleValue {
        var machine = PickleMachine(bytes: bytes, interpreter: TorchPickleInterpreter { key in
            throw PickleRefusal("no storage \(key)")
        })
        return try machine.run()
    }

    /// A plain-data rendering to compare against.
    func render(_ v: PickleValue) -> String {
        switch v {
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .float(let d): return String(d)
        case .string(let s): return "'\(s)'"
        case .tuple(let items): return "(" + items.map(render).joined(separator: ", ") + ")"
        case .list(let l): return "[" + l.items.map(render).joined(separator: ", ") + "]"
        case .dict(let d): return "{" + d.items.map { render($0.key) + ": " + render($0.value) }.joined(separator: ", ") + "}"
        default: return v.kind
        }
    }

    func testPythonPicklesOfPlainData() throws {
        let expected = "{'a': [1, -2, 3.5, True, False, None, 'xé', 1000, 70000, 1099511627776, -1099511627776, -300], "
            + "'b': (1, 2), 'c': (), 's': [7], 't': [7]}"
        for hex in [Self.protocol2, Self.protocol4] {
            let value = try run(bytes(hex))
            XCTAssertEqual(render(value), expected)
            // 's' and 't' are one list (memo), as in Python.
            guard case .dict(let d) = value, case .list(let s) = d.items[3].value, case .list(let t) = d.items[4].value
            else { return XCTFail("not a dict of lists") }
            XCTAssertTrue(s === t)
        }
    }

    func testUnsupportedOpcodeIsNamedWithItsOffset() {
        // PROTO 2, EMPTY_TUPLE, NEWOBJ, STOP
        XCTAssertThrowsError(try run([0x80, 0x02, 0x29, 0x81, 0x2E])) { error in
            XCTAssertEqual("\(error)", "pickle byte 3: unsupported pickle opcode 0x81 (NEWOBJ)")
        }
    }

    func testUnsupportedClassIsNamed() {
        // PROTO 2, GLOBAL 'os system'
        XCTAssertThrowsError(try run([0x80, 0x02, 0x63] + Array("os\nsystem\n".utf8) + [0x2E])) { error in
            XCTAssertTrue("\(error)".hasPrefix("pickle byte 2: unsupported class os.system"), "\(error)")
        }
    }

    func testMalformedPicklesFailCleanly() {
        let cases: [([UInt8], String)] = [
            ([0x80, 0x02], "pickle ends without STOP"),
            ([0x80, 0x02, 0x58, 0xFF, 0x00], "pickle ends inside an argument"),
            ([0x80, 0x02, 0x73], "pickle stack underflow"),
            ([0x80, 0x02, 0x68, 0x05], "memo GET of unknown index 5"),
            ([0x80, 0x02, 0x4E, 0x4E, 0x2E], "STOP with 2 values"),
            ([0x80, 0x02, 0x4E, 0x5D, 0x73, 0x2E], "SETITEM(S) target is missing, not a dict"),
            ([0x80, 0x02, 0x5D, 0x4E, 0x4E, 0x73, 0x2E], "SETITEM(S) target is list, not a dict"),
        ]
        for (pickle, message) in cases {
            XCTAssertThrowsError(try run(pickle)) { error in
                XCTAssertTrue("\(error)".contains(message), "\(pickle): \(error)")
            }
        }
    }

    func testStridedViewWithOffset() throws {
        // A (2, 3) view with strides (1, 2) starting at element 1 of a 7-element float32 storage.
        let values: [Float] = [9, 0, 1, 2, 3, 4, 5]
        let storage = TorchStorage(key: "0", type: .float32, bytes: values.withUnsafeBufferPointer { Data(buffer: $0) })
        let t = try TorchPickleInterpreter.rebuild(storage, offset: 1, size: [2, 3], stride: [1, 2])
        XCTAssertEqual(t, Tensor(shape: [2, 3], data: [0, 2, 4, 1, 3, 5]))
        XCTAssertThrowsError(try TorchPickleInterpreter.rebuild(storage, offset: 2, size: [2, 3], stride: [1, 2])) {
            XCTAssertTrue("\($0)".contains("reaches index 7"), "\($0)")
        }
        // An offset past the storage (near Int.max, where `offset + reach` would wrap) is an error.
        for offset in [7, Int.max - 1, Int.max] {
            XCTAssertThrowsError(try TorchPickleInterpreter.rebuild(storage, offset: offset, size: [2, 3], stride: [1, 2])) {
                XCTAssertTrue("\($0)".contains("starts past its end"), "\($0)")
            }
        }
        // Sizes whose product or reach overflows are errors, not traps.
        for (size, stride) in [([Int.max, 4], [1, 1]), ([2, Int.max / 2 + 1], [1, 2]), ([-1], [1])] {
            XCTAssertThrowsError(try TorchPickleInterpreter.rebuild(storage, offset: 0, size: size, stride: stride)) {
                XCTAssertTrue("\($0)".contains("invalid view"), "\($0)")
            }
        }
    }
}
