import Foundation

/// Collects the benchmark's findings as Markdown (printed, and written to results/bench.md).
final class Report {
    private(set) var text = ""

    func section(_ title: String) {
        emit("\n## \(title)\n")
    }

    func line(_ s: String) { emit(s) }

    func table(_ header: [String], _ rows: [[String]]) {
        emit("| " + header.joined(separator: " | ") + " |")
        emit("|" + header.map { _ in "---" }.joined(separator: "|") + "|")
        for r in rows { emit("| " + r.joined(separator: " | ") + " |") }
        emit("")
    }

    private func emit(_ s: String) {
        print(s)
        fflush(nil)
        text += s + "\n"
    }
}

func fmt(_ x: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", x) }

/// Best (smallest) wall time of `repeats` runs of `body`.
func bestTime(repeats: Int, _ body: () throws -> Void) rethrows -> Double {
    var best = Double.infinity
    for _ in 0..<repeats {
        let t0 = now()
        try body()
        best = min(best, now() - t0)
    }
    return best
}

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

/// Runs a command, returning its exit status, wall seconds and peak resident memory (KiB).
@discardableResult
func runCommand(_ path: String, _ args: [String], quiet: Bool = true) throws -> (status: Int32, seconds: Double, maxRSSKiB: Int) {
    var pid: pid_t = 0
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    if quiet {
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    }
    let argv = ([path] + args).map { strdup($0) } + [nil]
    defer { for a in argv { free(a) } }
    let t0 = now()
    let rc = posix_spawn(&pid, path, &actions, nil, argv, environ)
    guard rc == 0 else { throw BenchError("cannot start \(path): \(String(cString: strerror(rc)))") }
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
    let exited = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return (exited, now() - t0, usage.ru_maxrss)
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
