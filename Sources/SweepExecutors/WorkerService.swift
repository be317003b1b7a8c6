import Foundation

/// The worker side of the protocol: announce readiness, then run each trial received and
/// answer with its events. The same loop serves a real `sweep worker` process (stdin/stdout)
/// and the in-process twin used in tests.
public struct WorkerService: Sendable {
    /// Runs one trial: reports epochs through `emitEpoch` (JSON payloads) and returns the JSON
    /// of its outcome. Throwing `TrialRejection` rejects the trial (no retry); any other error
    /// is reported as a rejection too, with its description.
    public typealias TrialHandler = @Sendable (TrialTicket, _ emitEpoch: @escaping @Sendable (String) -> Void) async throws -> String

    /// Announced in `.ready`.
    public var pid: Int32
    /// Runs each trial.
    public var handler: TrialHandler

    /// A service answering with `handler`.
    public init(pid: Int32 = getpid(), handler: @escaping TrialHandler) {
        self.pid = pid
        self.handler = handler
    }

    /// Serves until `nextLine` returns nil (the orchestrator closed our input).
    public func serve(nextLine: () async -> String?, emit: @escaping @Sendable (String) -> Void) async {
        emit(Self.line(.ready(pid: pid)))
        while let line = await nextLine() {
            guard case .run(let ticket)? = try? WorkerCodec.decode(ToWorker.self, from: line) else { continue }
            do {
                let payload = try await handler(ticket) { epoch in
                    emit(Self.line(.epoch(trial: ticket.id, payload: epoch)))
                }
                emit(Self.line(.finished(trial: ticket.id, payload: payload)))
            } catch is SimulatedCrash {
                return
            } catch is CancellationError {
                return
            } catch {
                emit(Self.line(.rejected(trial: ticket.id, reason: "\(error)")))
            }
        }
    }

    static func line(_ message: FromWorker) -> String {
        (try? WorkerCodec.encode(message)) ?? "{}"
    }
}

/// Thrown by a test's trial handler to make an in-process worker vanish mid-trial, as a
/// crashed process would (no answer, output closed).
public struct SimulatedCrash: Error {
    /// A crash.
    public init() {}
}
