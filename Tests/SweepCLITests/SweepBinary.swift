import Foundation

/// The built `sweep` executable these tests run: `$SWEEP_BINARY` (set by `make test`), else
/// `.build/release/sweep` under the package root. Missing means a failed test, never a skip.
enum SweepBinary {
    /// The package root (this file is `Tests/SweepCLITests/SweepBinary.swift`).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    /// The executable's absolute path.
    static func path() throws -> String {
        let advice = "run `make test` (it builds the release binary with `swift build -c release` and sets SWEEP_BINARY)"
        if let env = ProcessInfo.processInfo.environment["SWEEP_BINARY"], !env.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: env) else {
                throw Missing(description: "SWEEP_BINARY=\(env) is not an executable file; \(advice)")
            }
            return URL(fileURLWithPath: env).standardizedFileURL.path
        }
        let fallback = packageRoot.appendingPathComponent(".build/release/sweep").path
        guard FileManager.default.isExecutableFile(atPath: fallback) else {
            throw Missing(description: "SWEEP_BINARY is not set and \(fallback) does not exist: \(advice)")
        }
        return fallback
    }

    /// Source files changed after `binary` was built (those under `Sources/` and `plugins/`):
    /// the tests would run old code. Only worth a warning: `make test` always rebuilds first.
    static func newerSources(than binary: String) -> [String] {
        let fm = FileManager.default
        guard let built = (try? fm.attributesOfItem(atPath: binary))?[.modificationDate] as? Date else { return [] }
        var newer: [String] = []
        for folder in ["Sources", "plugins"] {
            let base = packageRoot.appendingPathComponent(folder)
            for path in fm.enumerator(atPath: base.path)?.compactMap({ $0 as? String }) ?? [] where path.hasSuffix(".swift") {
                let url = base.appendingPathComponent(path)
                if let modified = (try? fm.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date, modified > built {
                    newer.append(folder + "/" + path)
                }
            }
        }
        return newer
    }
}

/// How a finished run of the binary ended, with everything it printed.
struct Outcome {
    /// The exit status, or the signal number when `signaled`.
    var status: Int32
    var signaled: Bool
    var stdout: String
    var stderr: String

    /// Non-empty stderr lines.
    var stderrLines: [String] { stderr.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }

    /// `exit 0`, `exit 1`, `signal 9`: for failure messages.
    var statusText: String { signaled ? "signal \(status)" : "exit \(status)" }
}

/// One running `sweep` process: stdout and stderr go to files (read fully at the end), stdin
/// is /dev/null, the working directory and environment are the test's.
final class BinaryRun {
    let process = Process()
    let arguments: [String]
    let stdoutURL: URL
    let stderrURL: URL

    private static let counter = Counter()

    /// Starts `binary arguments…` in `directory`; output files go to `logs`.
    init(binary: String, arguments: [String], in directory: URL, logs: URL, environment: [String: String]) throws {
        self.arguments = arguments
        let n = Self.counter.next()
        stdoutURL = logs.appendingPathComponent("run\(n).stdout")
        stderrURL = logs.appendingPathComponent("run\(n).stderr")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        try Data().write(to: stdoutURL)
        try Data().write(to: stderrURL)
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// What it wrote to stderr so far.
    var stderrSoFar: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    /// Sends `signal` to the process.
    func send(_ signal: Int32) { kill(pid, signal) }

    struct Timeout: Error, CustomStringConvertible {
        var description: String
    }

    /// Waits for the exit, at most `timeout` seconds; on timeout kills the process (SIGKILL) and throws.
    func wait(timeout: TimeInterval) throws -> Outcome {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            send(SIGKILL)
            process.waitUntilExit()
            throw Timeout(description: "`sweep \(arguments.joined(separator: " "))` did not end within \(Int(timeout)) s "
                          + "(killed); stderr:\n\(stderrSoFar)")
        }
        process.waitUntilExit()
        let out = (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? ""
        return Outcome(status: process.terminationStatus, signaled: process.terminationReason == .uncaughtSignal,
                       stdout: out, stderr: err)
    }
}

/// A thread-safe counter (log file names).
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
}

/// Polls `condition` every 20 ms until it holds or `timeout` seconds pass; returns whether it held.
func waitUntil(timeout: TimeInterval, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if condition() { return true }
        usleep(20_000)
    }
    return condition()
}

/// Live processes read from /proc (Linux).
enum ProcessTable {
    struct Entry {
        var pid: Int32
        var parent: Int32
        var state: Character
        /// User + system CPU seconds.
        var cpuSeconds: Double
        var commandLine: [String]
    }

    /// The entry of `pid`, or nil when it is gone.
    static func entry(_ pid: Int32) -> Entry? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // Fields after "pid (comm)": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let state = fields[0].first, let parent = Int32(fields[1]),
              let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let cmdline = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))) ?? Data()
        let args = cmdline.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        return Entry(pid: pid, parent: parent, state: state, cpuSeconds: (user + system) / ticks, commandLine: args)
    }

    /// Live (not zombie) children of `parent`.
    static func children(of parent: Int32) -> [Entry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return names.compactMap { Int32($0) }.compactMap(entry).filter { $0.parent == parent && $0.state != "Z" }
    }

    /// The `sweep worker` processes started by the orchestrator `parent`.
    static func workers(of parent: Int32) -> [Entry] {
        children(of: parent).filter { $0.commandLine.dropFirst().first == "worker" }
    }
}
