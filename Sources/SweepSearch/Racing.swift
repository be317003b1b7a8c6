/// Racing over seeds and folds: successive halving where the resource is runs, in the spirit of
/// irace (López-Ibáñez et al. 2016, "The irace package: Iterated racing for automatic algorithm
/// configuration") and of successive halving (Jamieson and Talwalkar 2016). Round k gives every
/// configuration still racing `minRuns * reductionFactor^k` runs (at most `maxRuns`), the runs in
/// the same order for all (run i is the same seed or fold everywhere); after a round only the best
/// ceil(n / reductionFactor) by mean score over those runs go on (ties: the earlier configuration),
/// until the round that gives `maxRuns`, after which the race is over; a configuration left alone
/// (the last survivor) still gets every run, so the winner's mean is over all its runs.
/// A pure function of the results so far, so it is rebuilt from the records on resume.
public struct SuccessiveHalvingRace: Sendable, Hashable {
    public var minRuns: Int
    public var maxRuns: Int
    public var reductionFactor: Int

    /// A race of at most `maxRuns` runs per configuration.
    public init(minRuns: Int = 1, maxRuns: Int, reductionFactor: Int = 2) {
        self.minRuns = max(1, minRuns)
        self.maxRuns = max(self.minRuns, maxRuns)
        self.reductionFactor = max(2, reductionFactor)
    }

    /// One configuration's place in the race.
    public struct Standing: Sendable, Hashable {
        /// The configuration's id.
        public var id: String
        /// Runs it should have by now (its results beyond these are not used).
        public var runs: Int
        /// Its mean score over those runs (nil before its first result).
        public var mean: Double?
        /// Why it gets no more runs (nil while it races, or when it won).
        public var stopped: String?
        /// The round (1-based) after which it got no more runs (nil while it races, or when it won).
        public var stoppedRound: Int?
        /// The mean it fell short of: the worst mean that went on from that round.
        public var cut: Double?
    }

    /// The race so far: each configuration's standing, and whether the race is over.
    public struct State: Sendable, Hashable {
        public var standings: [Standing]
        /// True when the last round is complete: the survivors got every run they will get.
        public var finished: Bool
        /// The round in progress (or the last one).
        public var round: Int
    }

    /// The runs of round `k` for each configuration still racing.
    public func runs(round k: Int) -> Int {
        var r = minRuns
        for _ in 0..<k where r < maxRuns { r = min(maxRuns, r * reductionFactor) }
        return r
    }

    /// Where the race stands given each configuration's scores, run by run (in configuration
    /// order); configurations with missing runs of the current round hold the round open.
    public func state(_ results: [(id: String, scores: [Double])], direction: Direction) -> State {
        var standings = results.map { Standing(id: $0.id, runs: 0, mean: nil, stopped: nil, stoppedRound: nil, cut: nil) }
        var racing = Array(results.indices)
        var k = 0
        while true {
            let r = runs(round: k)
            for i in racing { standings[i].runs = r }
            func mean(_ i: Int) -> Double? {
                let s = results[i].scores.prefix(r)
                return s.isEmpty ? nil : s.reduce(0, +) / Double(s.count)
            }
            for i in racing { standings[i].mean = mean(i) }
            if racing.contains(where: { results[$0].scores.count < r }) {
                return State(standings: standings, finished: false, round: k)
            }
            // a lone configuration (a race of one, or the last survivor) gets every run
            if racing.isEmpty || r >= maxRuns { return State(standings: standings, finished: true, round: k) }
            let ranked = racing.sorted { a, b in
                let ma = mean(a) ?? 0, mb = mean(b) ?? 0
                if ma != mb { return direction.better(ma, than: mb) }
                return a < b
            }
            let keep = (racing.count + reductionFactor - 1) / reductionFactor
            let cutoff = mean(ranked[keep - 1]) ?? 0
            for (place, i) in ranked.enumerated() where place >= keep {
                standings[i].stopped = "round \(k + 1): mean \(fmt(mean(i) ?? 0)) over \(r) run(s) ranked \(place + 1) of "
                    + "\(racing.count); the best \(keep) (mean \(direction == .maximize ? ">=" : "<=") \(fmt(cutoff))) go on"
                standings[i].stoppedRound = k + 1
                standings[i].cut = cutoff
            }
            racing = ranked.prefix(keep).sorted()
            k += 1
        }
    }

    /// Runs a race of `n` configurations gives in all: the number of survivors does not depend
    /// on the scores (ceil(n / reductionFactor) go on after each round), so it is known ahead.
    public func totalRuns(configurations n: Int) -> Int {
        var racing = n, given = 0, total = 0, k = 0
        while racing > 0 {
            let r = runs(round: k)
            total += racing * (r - given)
            if r >= maxRuns { break }
            racing = (racing + reductionFactor - 1) / reductionFactor
            given = r
            k += 1
        }
        return total
    }
}
