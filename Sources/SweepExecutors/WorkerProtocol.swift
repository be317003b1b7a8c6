import Foundation
import SweepCore

/// The line protocol between the orchestrator and a worker process: one JSON object per line,
/// orchestrator -> worker on the worker's stdin, worker -> orchestrator on its stdout. Logs go
/// to stderr. Payloads are JSON texts of the typed values the layers above exchange, so this
/// layer does not depend on them.

/// One unit of work: a trial, on a given attempt.
public struct TrialTicket: Codable, Sendable, Equatable {
    /// The trial's stable id.
    public var id: String
    /// 1 for the first attempt.
    public var attempt: Int
    /// JSON of the resolved trial configuration.
    public var payload: String

    /// A ticket for attempt `attempt` of trial `id`.
    public init(id: String, attempt: Int, payload: String) {
        self.id = id
        self.attempt = attempt
        self.payload = payload
    }
}

/// Orchestrator -> worker.
public enum ToWorker: Codable, Sendable, Equatable {
    /// Run this trial and answer with `.epoch` events and one `.finished` or `.rejected`.
    case run(TrialTicket)
}

/// Worker -> orchestrator.
public enum FromWorker: Codable, Sendable, Equatable {
    /// The worker is up and waiting for work.
    case ready(pid: Int32)
    /// One epoch of a trial ended (JSON of its metrics).
    case epoch(trial: String, payload: String)
    /// A trial ended (JSON of its outcome: complete or diverged, metrics, checkpoint).
    case finished(trial: String, payload: String)
    /// A trial cannot run at all (e.g. its configuration is invalid); retrying will not help.
    case rejected(trial: String, reason: String)
}

/// The JSON the runner writes (protocol lines, outcomes, contexts, model cards): the
/// conventions of `trials.jsonl` (`TrialRecord.encoder()`): sorted keys, ISO 8601 dates,
/// NaN/infinities as the strings `NaN`, `Infinity`, `-Infinity`.
public enum WorkerCodec {
    /// An encoder with those conventions (one line, or indented for files people read).
    public static func encoder(pretty: Bool = false) -> JSONEncoder {
        let encoder = TrialRecord.encoder()
        if pretty { encoder.outputFormatting.insert(.prettyPrinted) }
        return encoder
    }

    /// A decoder reading what `encoder` writes.
    public static func decoder() -> JSONDecoder { TrialRecord.decoder() }

    /// One line (no newline) of JSON.
    public static func encode<T: Encodable>(_ message: T) throws -> String {
        String(decoding: try encoder().encode(message), as: UTF8.self)
    }

    /// Decodes one line.
    public static func decode<T: Decodable>(_ type: T.Type, from line: String) throws -> T {
        try decoder().decode(type, from: Data(line.utf8))
    }
}
