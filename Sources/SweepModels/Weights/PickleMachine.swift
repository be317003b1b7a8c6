// Reference: CPython `Lib/pickle.py` (`_Unpickler`) and `Lib/pickletools.py` (opcode
// documentation), for the pickle virtual machine below and its opcodes.
import Foundation

/// What the pickle machine calls for the opcodes that involve objects outside plain Python
/// data: GLOBAL, BINPERSID, REDUCE and BUILD. Throws `PickleRefusal` to reject.
protocol PickleInterpreter {
    func global(module: String, name: String) throws -> PickleValue
    func persistentLoad(_ id: PickleValue) throws -> PickleValue
    func reduce(_ callable: PickleValue, arguments: [PickleValue]) throws -> PickleValue
    func build(_ object: PickleValue, state: PickleValue) throws -> PickleValue
}

/// An interpreter's rejection; the machine adds the byte offset.
struct PickleRefusal: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// The subset of the Python pickle virtual machine that torch state_dicts use (protocol 2, plus
/// the framing and memo opcodes of protocol 4). Unsupported opcodes, stack underflow and reads
/// past the end are errors, never traps.
struct PickleMachine {
    private let bytes: [UInt8]
    private var position = 0
    private var stack: [PickleValue] = []
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]
    private let interpreter: PickleInterpreter

    init(bytes: [UInt8], interpreter: PickleInterpreter) {
        self.bytes = bytes
        self.interpreter = interpreter
    }

    /// Runs to STOP and returns the pickled object.
    mutating func run() throws -> PickleValue {
        while true {
            let start = position
            do {
                if let result = try step() { return result }
            } catch let refusal as PickleRefusal {
                throw PickleError(offset: start, message: refusal.message)
            }
        }
    }

    /// Executes one opcode; returns the result at STOP.
    private mutating func step() throws -> PickleValue? {
        let op = try byte()
        switch op {
        case 0x80: // PROTO
            let version = try byte()
            guard version <= 5 else { throw PickleRefusal("unknown pickle protocol \(version)") }
        case 0x95: _ = try take(8)  // FRAME: framing is only a hint for buffered readers
        case 0x2E: // STOP
            guard marks.isEmpty, stack.count == 1, let result = stack.last else {
                throw PickleRefusal("STOP with \(stack.count) values and \(marks.count) open marks")
            }
            return result
        case 0x28: marks.append(stack.count)  // MARK
        case 0x63: // GLOBAL
            let module = try line(), name = try line()
            stack.append(try interpreter.global(module: module, name: name))
        case 0x93: // STACK_GLOBAL
            let name = try pop(), module = try pop()
            guard case .string(let n) = name, case .string(let m) = module else {
                throw PickleRefusal("STACK_GLOBAL needs two strings")
            }
            stack.append(try interpreter.global(module: m, name: n))
        case 0x51: stack.append(try interpreter.persistentLoad(try pop()))  // BINPERSID
        case 0x52: // REDUCE
            let arguments = try pop(), callable = try pop()
            guard case .tuple(let args) = arguments else { throw PickleRefusal("REDUCE arguments are not a tuple") }
            stack.append(try interpreter.reduce(callable, arguments: args))
        case 0x62: // BUILD
            let state = try pop(), object = try pop()
            stack.append(try interpreter.build(object, state: state))
        case 0x74: stack.append(.tuple(try popMark()))  // TUPLE
        case 0x85, 0x86, 0x87: // TUPLE1, TUPLE2, TUPLE3
            var items: [PickleValue] = []
            for _ in 0..<Int(op - 0x84) { items.insert(try pop(), at: 0) }
            stack.append(.tuple(items))
        case 0x29: stack.append(.tuple([]))  // EMPTY_TUPLE
        case 0x7D: stack.append(.dict(PickleDict()))  // EMPTY_DICT
        case 0x73: // SETITEM
            let value = try pop(), key = try pop()
            try topDict().items.append((key, value))
        case 0x75: // SETITEMS
            let items = try popMark()
            guard items.count % 2 == 0 else { throw PickleRefusal("SETITEMS with an odd number of values") }
            let dict = try topDict()
            for i in stride(from: 0, to: items.count, by: 2) { dict.items.append((items[i], items[i + 1])) }
        case 0x5D: stack.append(.list(PickleList()))  // EMPTY_LIST
        case 0x61: // APPEND
            let value = try pop()
            try topList().items.append(value)
        case 0x65: // APPENDS
            let items = try popMark()
            try topList().items.append(contentsOf: items)
        case 0x4A: stack.append(.int(Int(Int32(bitPattern: UInt32(try integer(4))))))  // BININT
        case 0x4B: stack.append(.int(Int(try integer(1))))  // BININT1
        case 0x4D: stack.append(.int(Int(try integer(2))))  // BININT2
        case 0x8A: stack.append(.int(try long1()))  // LONG1
        case 0x58: stack.append(.string(try text(Int(try integer(4)))))  // BINUNICODE
        case 0x8C: stack.append(.string(try text(Int(try integer(1)))))  // SHORT_BINUNICODE
        case 0x8D: // BINUNICODE8
            let length = try integer(8)
            guard length <= UInt64(bytes.count) else { throw PickleRefusal("string length \(length) past the end") }
            stack.append(.string(try text(Int(length))))
        case 0x47: // BINFLOAT (big-endian)
            let raw = try take(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            stack.append(.float(Double(bitPattern: raw)))
        case 0x88: stack.append(.bool(true))  // NEWTRUE
        case 0x89: stack.append(.bool(false))  // NEWFALSE
        case 0x4E: stack.append(.none)  // NONE
        case 0x71: try put(Int(try integer(1)))  // BINPUT
        case 0x72: try put(Int(try integer(4)))  // LONG_BINPUT
        case 0x94: try put(memo.count)  // MEMOIZE
        case 0x68: try get(Int(try integer(1)))  // BINGET
        case 0x6A: try get(Int(try integer(4)))  // LONG_BINGET
        default:
            throw PickleRefusal("unsupported pickle opcode " + PickleMachine.describe(op))
        }
        return nil
    }

    // MARK: stack and memo

    private mutating func pop() throws -> PickleValue {
        guard stack.count > (marks.last ?? 0), let value = stack.popLast() else {
            throw PickleRefusal("pickle stack underflow")
        }
        return value
    }

    private mutating func popMark() throws -> [PickleValue] {
        guard let mark = marks.popLast() else { throw PickleRefusal("no MARK on the stack") }
        let items = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return items
    }

    private func topDict() throws -> PickleDict {
        guard stack.count > (marks.last ?? 0), case .dict(let d)? = stack.last else {
            throw PickleRefusal("SETITEM(S) target is \(stack.last?.kind ?? "missing"), not a dict")
        }
        return d
    }

    private func topList() throws -> PickleList {
        guard stack.count > (marks.last ?? 0), case .list(let l)? = stack.last else {
            throw PickleRefusal("APPEND(S) target is \(stack.last?.kind ?? "missing"), not a list")
        }
        return l
    }

    private mutating func put(_ index: Int) throws {
        guard let top = stack.last else { throw PickleRefusal("memo PUT on an empty stack") }
        memo[index] = top
    }

    private mutating func get(_ index: Int) throws {
        guard let value = memo[index] else { throw PickleRefusal("memo GET of unknown index \(index)") }
        stack.append(value)
    }

    // MARK: reading bytes

    private mutating func byte() throws -> UInt8 {
        guard position < bytes.count else { throw PickleRefusal("pickle ends without STOP") }
        defer { position += 1 }
        return bytes[position]
    }

    private mutating func take(_ n: Int) throws -> ArraySlice<UInt8> {
        guard n >= 0, n <= bytes.count - position else { throw PickleRefusal("pickle ends inside an argument") }
        defer { position += n }
        return bytes[position..<position + n]
    }

    /// An unsigned little-endian integer of `n` bytes.
    private mutating func integer(_ n: Int) throws -> UInt64 {
        try take(n).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    /// LONG1: a little-endian two's-complement integer of up to 8 bytes.
    private mutating func long1() throws -> Int {
        let n = Int(try byte())
        guard n <= 8 else { throw PickleRefusal("LONG1 of \(n) bytes does not fit 64 bits") }
        guard n > 0 else { return 0 }
        let raw = try integer(n)
        let shift = UInt64(64 - 8 * n)
        return Int(Int64(bitPattern: raw << shift) >> Int64(shift))
    }

    private mutating func text(_ n: Int) throws -> String {
        guard let s = String(bytes: try take(n), encoding: .utf8) else { throw PickleRefusal("string is not UTF-8") }
        return s
    }

    /// GLOBAL's newline-terminated argument.
    private mutating func line() throws -> String {
        guard let end = bytes[position...].firstIndex(of: 0x0A) else { throw PickleRefusal("GLOBAL without newline") }
        let s = String(decoding: bytes[position..<end], as: UTF8.self)
        position = end + 1
        return s
    }

    /// `0x81 (NEWOBJ)` for an opcode; names from `pickletools`.
    static func describe(_ op: UInt8) -> String {
        let hex = "0x" + String(op, radix: 16, uppercase: false)
        return opcodeNames[op].map { "\(hex) (\($0))" } ?? hex
    }

    private static let opcodeNames: [UInt8: String] = [
        0x30: "POP", 0x31: "POP_MARK", 0x32: "DUP", 0x46: "FLOAT", 0x49: "INT", 0x4C: "LONG", 0x50: "PERSID",
        0x53: "STRING", 0x54: "BINSTRING", 0x55: "SHORT_BINSTRING", 0x56: "UNICODE", 0x42: "BINBYTES",
        0x43: "SHORT_BINBYTES", 0x64: "DICT", 0x67: "GET", 0x69: "INST", 0x6C: "LIST", 0x6F: "OBJ", 0x70: "PUT",
        0x81: "NEWOBJ", 0x82: "EXT1", 0x83: "EXT2", 0x84: "EXT4", 0x8B: "LONG4", 0x8E: "BINBYTES8",
        0x8F: "EMPTY_SET", 0x90: "ADDITEMS", 0x91: "FROZENSET", 0x92: "NEWOBJ_EX", 0x96: "BYTEARRAY8",
        0x97: "NEXT_BUFFER", 0x98: "READONLY_BUFFER",
    ]
}
