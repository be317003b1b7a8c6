import SweepPluginAPI

/// The plugin catalog the commands check sweep files against.
enum CommandPlugins {
    /// The loss and metric plugins of this binary.
    /// Integration point: until the built-ins (SweepStandardPlugins) and the `plugins/`
    /// discovery are wired in here, the catalog is empty and every plugin name is unknown.
    static func catalog() throws -> PluginCatalog {
        try PluginCatalog([])
    }
}
