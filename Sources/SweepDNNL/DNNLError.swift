import CDNNL

/// A oneDNN call that failed, or a CPU the bf16 trunk cannot run on.
public enum DNNLError: Error, CustomStringConvertible, Equatable {
    /// oneDNN returned `status` from `call`.
    case failed(call: String, status: Int)
    /// The CPU (or the ISA oneDNN is allowed, `ONEDNN_MAX_CPU_ISA`) lacks AVX-512 BF16.
    case noBF16(reason: String)

    public var description: String {
        switch self {
        case .failed(let call, let status):
            let name = [0: "success", 1: "out of memory", 2: "invalid arguments", 3: "unimplemented",
                        5: "runtime error"][status] ?? "status \(status)"
            return "oneDNN \(call) failed: \(name)"
        case .noBF16(let reason):
            return "backbone.precision bf16 needs a CPU with AVX-512 BF16 instructions (\(reason)); "
                + "use backbone.precision: fp32 (the default) on this machine"
        }
    }
}

/// Throws `DNNLError.failed` unless `status` is success.
@inline(__always)
func check(_ status: dnnl_status_t, _ call: @autoclosure () -> String) throws {
    if status != dnnl_success { throw DNNLError.failed(call: call(), status: Int(status.rawValue)) }
}
