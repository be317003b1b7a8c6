import Foundation

/// Which finished trials `sweep run --rerun` runs again, although they have records: by state
/// (`failed`, `diverged`, `complete`, `pruned`), `all`, or by trial id (a unique prefix of at
/// least 4 hex digits is enough). The others are kept as usual.
public struct RerunSelection: Sendable, Equatable {
    /// Trials whose record has one of these states.
    public var states: Set<TrialState> = []
    /// Every trial of the plan.
    public var all = false
    /// Trial ids or unique prefixes, as given.
    public var ids: [String] = []

    /// Nothing is rerun.
    public init() {}

    /// Parses the values of `--rerun` (each may hold several, comma-separated): `all`, a state
    /// name, or a trial id.
    public init(_ values: [String]) throws {
        let words = values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        for word in words where !word.isEmpty {
            if word == "all" {
                all = true
            } else if let state = TrialState(rawValue: word) {
                states.insert(state)
            } else if word.count >= 4, word.count <= 12, word.allSatisfy(\.isHexDigit) {
                ids.append(word)
            } else {
                throw RerunError("--rerun: '\(word)' is not all, a trial state (\(TrialState.allCases.map(\.rawValue).joined(separator: ", "))) "
                                 + "or a trial id (4 to 12 hex digits, as in leaderboard.csv)")
            }
        }
    }

    /// True when nothing is selected.
    public var isEmpty: Bool { !all && states.isEmpty && ids.isEmpty }

    /// The plan's trial ids named by `ids`; an id that matches no trial, or a prefix that matches
    /// several, is an error.
    public func namedTrials(in plan: SweepPlan) throws -> Set<String> {
        var found = Set<String>()
        for id in ids {
            let matches = plan.trials.map(\.id).filter { $0.hasPrefix(id) }
            guard !matches.isEmpty else {
                throw RerunError("--rerun: no trial of sweep '\(plan.spec.name)' has id '\(id)' (`sweep run FILE --dry-run` lists them)")
            }
            guard matches.count == 1 else {
                throw RerunError("--rerun: '\(id)' is the start of \(matches.count) trial ids (\(matches.joined(separator: ", "))); give more digits")
            }
            found.insert(matches[0])
        }
        return found
    }

    /// The ids of the plan's finished trials (those with a record) to run again.
    public func finishedTrialsToRerun(plan: SweepPlan, records: [TrialRecord]) throws -> Set<String> {
        let named = try namedTrials(in: plan)
        let planned = Set(plan.trials.map(\.id))
        return Set(records.filter { r in
            planned.contains(r.id) && (all || states.contains(r.state) || named.contains(r.id))
        }.map(\.id))
    }
}

/// A bad `--rerun` value.
public struct RerunError: Error, Sendable, CustomStringConvertible {
    /// The message shown to the user.
    public var description: String
    init(_ description: String) { self.description = description }
}
