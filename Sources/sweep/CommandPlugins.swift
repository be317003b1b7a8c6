import SweepPluginAPI
import SweepPlugins

/// The plugin catalog the commands check sweep files against.
enum CommandPlugins {
    /// The loss and metric plugins of this binary: the built-ins and those under `plugins/`.
    static func catalog() throws -> PluginCatalog {
        try AllPlugins.catalog()
    }
}
