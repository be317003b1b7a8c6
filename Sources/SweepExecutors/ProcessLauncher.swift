import Foundation
import Subprocess
#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Starts real worker processes (`sweep worker …`) with swift-subprocess.
///
/// Each worker runs in its own process group, so a Ctrl-C at the terminal reaches only the
/// orchestrator, which then stops the workers itself. Protocol lines travel on the worker's
/// stdin/stdout; its stderr is kept (the tail goes into failure records) and passed to `log`.
public struct ProcessLauncher: WorkerLauncher {
    /// Path of the executable.
    public var executable: String
    /// Arguments for worker number `index`.
    public var arguments: @Sendable (Int) -> [String]
    /// Extra environment variables.
    public var environment: [String: String]
    /// Receives every stderr line of every worker.
    public var log: @Sendable (Int, String) -> Void

    /// A launcher of `executable` with `arguments(index)`, extra `environment`, stderr lines to `log`.
    public init(executable: String, arguments: @escaping @Sendable (Int) -> [String],
                environment: [String: String] = [:], log: @escaping @Sendable (Int, String) -> Void = { _, _ in }) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.log = log
    }

    /// Spawns worker `index`, runs `body` against it, waits for its exit (see `WorkerLauncher`).
    public func withWorker<Value: Sendable>(
        index: Int, _ body: @Sendable (any WorkerConnection) async throws -> Value
    ) async throws -> WorkerExit<Value> {
        var options = PlatformOptions()
        options.processGroupID = 0
        options.teardownSequence = [.gracefulShutDown(allowedDurationToNextStep: .seconds(2))]
        var env: [Environment.Key: String?] = [:]
        for (k, v) in environment { if let key = Environment.Key(rawValue: k) { env[key] = v } }
        let tail = LineTail()
        let log = self.log
        let result = try await run(
            .path(FilePath(executable)), arguments: Arguments(arguments(index)),
            environment: .inherit.updating(env), platformOptions: options,
            input: .inputWriter, output: .sequence, error: .sequence
        ) { execution in
            try await withThrowingTaskGroup(of: Void.self, returning: Value.self) { group in
                group.addTask {
                    // Unbounded lines: a line limit would throw and stop draining stderr, and a
                    // worker blocked on a full pipe would hang. LineTail truncates what it keeps.
                    for try await line in execution.standardError.strings(bufferingPolicy: .unbounded) {
                        tail.append(line)
                        log(index, line)
                    }
                }
                // stdout is pumped by a child task (so it never outlives this closure) into a
                // stream the connection reads.
                let (stream, continuation) = AsyncThrowingStream<String, any Error>.makeStream()
                group.addTask {
                    do {
                        for try await line in execution.standardOutput.strings(bufferingPolicy: .unbounded) {
                            continuation.yield(line)
                        }
                        continuation.finish()
                    } catch {
                        continuation.finish(throwing: error)
                    }
                }
                let connection = SubprocessConnection(
                    pid: execution.processIdentifier.value, lines: stream,
                    write: { line in _ = try await execution.standardInputWriter.write(line + "\n") },
                    kill: { try? execution.send(signal: .kill, toProcessGroup: true) })
                do {
                    let value = try await body(connection)
                    try? await execution.standardInputWriter.finish()
                    try await group.waitForAll()
                    return value
                } catch {
                    try? execution.send(signal: .kill, toProcessGroup: true)
                    try? await execution.standardInputWriter.finish()
                    group.cancelAll()
                    throw error
                }
            }
        }
        return WorkerExit(value: result.closureResult, status: Self.describe(result.terminationStatus),
                          stderrTail: tail.snapshot)
    }

    static func describe(_ status: TerminationStatus) -> String {
        switch status {
        case .exited(let code): return "exited with status \(code)"
        case .signaled(let signal): return "killed by signal \(signal)\(signal == SIGKILL ? " (SIGKILL)" : "")"
        }
    }
}

/// A worker connection over a subprocess's pipes; used by one task at a time.
final class SubprocessConnection: WorkerConnection, @unchecked Sendable {
    let pid: Int32
    private var lines: AsyncThrowingStream<String, any Error>.Iterator
    private let write: @Sendable (String) async throws -> Void
    private let killer: @Sendable () -> Void

    init(pid: Int32, lines: AsyncThrowingStream<String, any Error>,
         write: @escaping @Sendable (String) async throws -> Void, kill: @escaping @Sendable () -> Void) {
        self.pid = pid
        self.lines = lines.makeAsyncIterator()
        self.write = write
        self.killer = kill
    }

    func send(_ line: String) async throws { try await write(line) }

    func receive() async throws -> String? { try await lines.next() }

    func kill() async { killer() }
}
