import Foundation

/// A live connection to one worker. Used by one task at a time (the slot that owns it),
/// except `kill()`, which a watchdog may call from elsewhere.
public protocol WorkerConnection: Sendable {
    /// The worker's process id (or a synthetic one for in-process workers).
    var pid: Int32 { get }
    /// Sends one protocol line.
    func send(_ line: String) async throws
    /// The next protocol line, or nil when the worker has gone (exited, killed, crashed).
    func receive() async throws -> String?
    /// Kills the worker at once (SIGKILL for processes).
    func kill() async
}

/// How a worker ended.
public struct WorkerExit<Value: Sendable>: Sendable {
    /// What the body returned, if it returned.
    public var value: Value?
    /// e.g. "exited with status 0", "killed by signal 9".
    public var status: String
    /// The last lines the worker wrote to stderr.
    public var stderrTail: [String]

    /// How a worker ended.
    public init(value: Value?, status: String, stderrTail: [String]) {
        self.value = value
        self.status = status
        self.stderrTail = stderrTail
    }
}

/// Starts workers. The real one spawns `sweep worker` processes; tests use an in-process twin.
public protocol WorkerLauncher: Sendable {
    /// Starts worker number `index`, runs `body` with its connection, and returns once the
    /// worker has exited (its stdin is closed when `body` returns).
    func withWorker<Value: Sendable>(
        index: Int, _ body: @Sendable (any WorkerConnection) async throws -> Value
    ) async throws -> WorkerExit<Value>
}

/// A bounded buffer of the last lines a worker wrote to stderr.
public final class LineTail: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    private let limit: Int

    /// Keeps the last `limit` lines.
    public init(limit: Int = 20) { self.limit = limit }

    /// Adds a line (at most 2000 characters of it), dropping the oldest beyond the limit.
    public func append(_ line: String) {
        let kept = line.count > 2000 ? String(line.prefix(2000)) + "…" : line
        lock.lock()
        lines.append(kept)
        if lines.count > limit { lines.removeFirst(lines.count - limit) }
        lock.unlock()
    }

    /// The kept lines, oldest first.
    public var snapshot: [String] {
        lock.lock()
        defer { lock.unlock() }
        return lines
    }
}
