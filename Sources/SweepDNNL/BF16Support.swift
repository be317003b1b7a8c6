import CDNNL

/// Whether this machine can run the bf16 trunk: the CPU must report AVX-512 BF16, and oneDNN
/// must be allowed to use it (`ONEDNN_MAX_CPU_ISA`, oneDNN's own variable, caps it; setting it
/// to `AVX512_CORE` is how the tests force a CPU without BF16).
public struct BF16Support: Sendable, Equatable {
    /// The CPU reports AVX512F and AVX512_BF16 (CPUID leaf 7).
    public var cpuHasBF16: Bool
    /// The highest instruction set oneDNN may use here, as oneDNN names it.
    public var effectiveISA: String
    /// That instruction set includes bf16 (`avx512_core_bf16` or above).
    public var isaAllowsBF16: Bool

    /// A given machine (tests force one without BF16 this way).
    public init(cpuHasBF16: Bool, effectiveISA: String, isaAllowsBF16: Bool) {
        self.cpuHasBF16 = cpuHasBF16
        self.effectiveISA = effectiveISA
        self.isaAllowsBF16 = isaAllowsBF16
    }

    /// This machine, as seen now (oneDNN reads `ONEDNN_MAX_CPU_ISA` once, at its first use).
    public static var current: BF16Support {
        let isa = dnnl_get_effective_cpu_isa()
        let bf16Bit = dnnl_cpu_isa_avx512_core_bf16.rawValue
        return BF16Support(cpuHasBF16: sweep_cpu_has_avx512_bf16() != 0, effectiveISA: Self.name(isa),
                           isaAllowsBF16: isa.rawValue & bf16Bit == bf16Bit && isa != dnnl_cpu_isa_avx2_vnni)
    }

    /// Throws the reason bf16 cannot run, naming what is missing.
    public func require() throws {
        if !cpuHasBF16 { throw DNNLError.noBF16(reason: "this CPU does not report AVX512_BF16") }
        if !isaAllowsBF16 {
            throw DNNLError.noBF16(reason: "oneDNN is limited to \(effectiveISA) here (ONEDNN_MAX_CPU_ISA)")
        }
    }

    static func name(_ isa: dnnl_cpu_isa_t) -> String {
        switch isa {
        case dnnl_cpu_isa_all: "all"
        case dnnl_cpu_isa_sse41: "sse41"
        case dnnl_cpu_isa_avx: "avx"
        case dnnl_cpu_isa_avx2: "avx2"
        case dnnl_cpu_isa_avx512_core: "avx512_core"
        case dnnl_cpu_isa_avx512_core_vnni: "avx512_core_vnni"
        case dnnl_cpu_isa_avx512_core_bf16: "avx512_core_bf16"
        case dnnl_cpu_isa_avx512_core_amx: "avx512_core_amx"
        case dnnl_cpu_isa_avx2_vnni: "avx2_vnni"
        default: "isa \(isa.rawValue)"
        }
    }
}
