/// The set of plugins known to a `sweep` binary: built-ins plus those discovered under `plugins/`.
public struct PluginCatalog: Sendable {
    /// The loss plugin types, sorted by name.
    public private(set) var losses: [any LossPlugin.Type]
    /// The metric plugin types, sorted by name.
    public private(set) var metrics: [any MetricPlugin.Type]
    /// Where each plugin's code comes from, by plugin name (empty for a catalog built from bare types).
    public private(set) var sources: [String: PluginSource] = [:]

    /// Builds a catalog from plugin types; a name used twice is an error.
    public init(_ types: [any SweepPlugin.Type]) throws {
        var losses: [any LossPlugin.Type] = []
        var metrics: [any MetricPlugin.Type] = []
        var seen = Set<String>()
        for t in types {
            guard seen.insert(t.name).inserted else {
                throw PluginError("two plugins are named '\(t.name)'")
            }
            if let l = t as? any LossPlugin.Type { losses.append(l) }
            else if let m = t as? any MetricPlugin.Type { metrics.append(m) }
            else { throw PluginError("plugin '\(t.name)' is neither a LossPlugin nor a MetricPlugin") }
        }
        losses.sort { $0.name < $1.name }
        metrics.sort { $0.name < $1.name }
        self.losses = losses
        self.metrics = metrics
    }

    /// A catalog of the built-ins and the user's plugins, as the `PluginRegistry` build-tool
    /// plugin registered them (with their code identities); a name used twice is an error.
    public init(builtIn: [PluginRegistration], user: [PluginRegistration]) throws {
        try self.init(builtIn.map(\.type) + user.map(\.type))
        for (origin, list) in [(PluginOrigin.builtIn, builtIn), (.user, user)] {
            for r in list { sources[r.type.name] = PluginSource(origin: origin, codeIdentity: r.codeIdentity, files: r.files) }
        }
    }

    /// Names of the loss plugins, sorted.
    public var lossNames: [String] { losses.map { $0.name } }
    /// Names of the metric plugins, sorted.
    public var metricNames: [String] { metrics.map { $0.name } }

    /// The loss plugin called `name`, or an error listing the known ones.
    public func loss(named name: String) throws -> any LossPlugin.Type {
        for l in losses where l.name == name { return l }
        throw PluginError("unknown loss '\(name)' (known: \(lossNames.joined(separator: ", ")))")
    }

    /// The metric plugin called `name`, or an error listing the known ones.
    public func metric(named name: String) throws -> any MetricPlugin.Type {
        for m in metrics where m.name == name { return m }
        throw PluginError("unknown metric '\(name)' (known: \(metricNames.joined(separator: ", ")))")
    }
}

/// Whether a plugin ships with sweep or comes from the user's `plugins/` folder.
public enum PluginOrigin: String, Sendable, Hashable, Codable {
    /// `Sources/SweepStandardPlugins`, versioned with sweep itself.
    case builtIn = "built-in"
    /// A folder under `plugins/` (module `SweepUserPlugins`).
    case user
}

/// Where a plugin's code comes from and its identity (see `PluginRegistration.codeIdentity`).
public struct PluginSource: Sendable, Hashable {
    /// Built-in or the user's.
    public var origin: PluginOrigin
    /// `sha256:<hex>` of its source files, computed at build time.
    public var codeIdentity: String
    /// The hashed files, relative to the module's folder.
    public var files: [String]

    /// The source of a plugin.
    public init(origin: PluginOrigin, codeIdentity: String, files: [String]) {
        self.origin = origin
        self.codeIdentity = codeIdentity
        self.files = files
    }
}
