import Foundation

/// The deterministic twin of `ProcessLauncher`: each "worker" is a `WorkerService` running
/// in a task of this process, connected by in-memory streams. Faults are simulated by the
/// service's handler: throwing `SimulatedCrash` makes the worker vanish mid-trial; sleeping
/// past the time limit gets it killed by the pool's watchdog.
public struct InProcessLauncher: WorkerLauncher {
    /// Builds the service for worker number `index`.
    public var makeService: @Sendable (Int) -> WorkerService

    /// A launcher whose worker number `index` runs `makeService(index)`.
    public init(makeService: @escaping @Sendable (Int) -> WorkerService) {
        self.makeService = makeService
    }

    /// Runs `body` against an in-process worker (see `WorkerLauncher`).
    public func withWorker<Value: Sendable>(
        index: Int, _ body: @Sendable (any WorkerConnection) async throws -> Value
    ) async throws -> WorkerExit<Value> {
        let (input, inputContinuation) = AsyncStream<String>.makeStream()
        let (output, outputContinuation) = AsyncStream<String>.makeStream()
        let service = makeService(index)
        let server = Task {
            nonisolated(unsafe) var lines = input.makeAsyncIterator()
            await service.serve(nextLine: { await lines.next() }, emit: { outputContinuation.yield($0) })
            outputContinuation.finish()
        }
        let connection = InProcessConnection(
            pid: service.pid, output: output,
            send: { inputContinuation.yield($0) },
            kill: {
                outputContinuation.finish()
                server.cancel()
            })
        let value: Value
        do {
            value = try await body(connection)
        } catch {
            server.cancel()
            inputContinuation.finish()
            throw error
        }
        inputContinuation.finish()
        await server.value
        return WorkerExit(value: value, status: connection.wasKilled ? "killed by signal 9 (SIGKILL)" : "exited with status 0",
                          stderrTail: [])
    }
}

/// The connection to an in-process worker.
final class InProcessConnection: WorkerConnection, @unchecked Sendable {
    let pid: Int32
    private var output: AsyncStream<String>.Iterator
    private let sendLine: @Sendable (String) -> Void
    private let killer: @Sendable () -> Void
    private let lock = NSLock()
    private var killed = false

    init(pid: Int32, output: AsyncStream<String>, send: @escaping @Sendable (String) -> Void,
         kill: @escaping @Sendable () -> Void) {
        self.pid = pid
        self.output = output.makeAsyncIterator()
        self.sendLine = send
        self.killer = kill
    }

    var wasKilled: Bool { lock.lock(); defer { lock.unlock() }; return killed }

    func send(_ line: String) async throws { sendLine(line) }

    func receive() async throws -> String? { await output.next() }

    func kill() async {
        lock.withLock { killed = true }
        killer()
    }
}
