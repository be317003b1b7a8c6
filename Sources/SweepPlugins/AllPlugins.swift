import SweepPluginAPI
import SweepStandardPlugins
import SweepUserPlugins

/// Every plugin compiled into this binary: the built-ins and the user's folders under `plugins/`.
public enum AllPlugins {
    /// Built-in plugin types followed by the user's.
    public static var types: [any SweepPlugin.Type] { StandardPlugins.all + UserPlugins.all }

    /// The catalog of every plugin, with each one's origin and code identity; fails when two
    /// plugins share a name.
    public static func catalog() throws -> PluginCatalog {
        try PluginCatalog(builtIn: StandardPlugins.registrations, user: UserPlugins.registrations)
    }
}
