import Foundation
import SweepTensor

/// Where the trunk's weights come from: torchvision's ImageNet file in the torch hub cache,
/// our seeded random initialisation, or a `.pth` / `.pt` / `.safetensors` file.
public enum WeightsSource: Sendable, Equatable, CustomStringConvertible {
    /// torchvision's ImageNet weights (`imagenetFileName`) from the torch hub cache.
    case imagenet
    /// `RandomInit.resnet50(seed:)`.
    case random(seed: UInt64)
    /// A `.pth`, `.pt` or `.safetensors` file at this path.
    case file(String)

    /// torchvision's IMAGENET1K_V1 ResNet50 weights, as cached by `pretrained=True`.
    public static let imagenetFileName = "resnet50-0676ba61.pth"
    /// Where torchvision downloads that file from (for the not-found message).
    public static let imagenetURL = "https://download.pytorch.org/models/resnet50-0676ba61.pth"

    /// Parses `imagenet`, `random` (seed 0), `random:SEED`, or anything else as a file path.
    /// - Throws: `WeightsError.notFound` for `random:` followed by something other than a seed.
    public init(parsing text: String) throws {
        if text == "imagenet" {
            self = .imagenet
        } else if text == "random" {
            self = .random(seed: 0)
        } else if text.hasPrefix("random:") {
            guard let seed = UInt64(text.dropFirst("random:".count)) else {
                throw WeightsError.notFound("weights '\(text)': expected random:SEED with SEED a non-negative integer")
            }
            self = .random(seed: seed)
        } else {
            self = .file(text)
        }
    }

    /// The text `init(parsing:)` reads back.
    public var description: String {
        switch self {
        case .imagenet: return "imagenet"
        case .random(let seed): return "random:\(seed)"
        case .file(let path): return path
        }
    }

    /// The directories searched for `imagenetFileName`, in order, without repeats:
    /// torch's own choice (`$TORCH_HOME`, else `$XDG_CACHE_HOME/torch`, else `~/.cache/torch`,
    /// then `hub/checkpoints`), then the other two conventional places.
    public static func imagenetSearchDirectories(environment: [String: String]) -> [String] {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let home = value("HOME") ?? FileManager.default.homeDirectoryForCurrentUser.path
        func expand(_ path: String) -> String {
            path == "~" ? home : path.hasPrefix("~/") ? home + path.dropFirst(1) : path
        }
        var roots: [String] = []
        if let torchHome = value("TORCH_HOME") { roots.append(expand(torchHome)) }
        if let xdg = value("XDG_CACHE_HOME") { roots.append(expand(xdg) + "/torch") }
        roots.append(home + "/.cache/torch")
        var seen = Set<String>()
        return roots.map { URL(fileURLWithPath: $0).appendingPathComponent("hub/checkpoints").standardizedFileURL.path }
            .filter { seen.insert($0).inserted }
    }

    /// The weight file to read; nil for `random`.
    /// - Throws: `WeightsError.notFound` for `imagenet` when no search directory holds the
    ///   file, listing every place looked at.
    public func resolvedPath(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String? {
        switch self {
        case .random: return nil
        case .file(let path): return path
        case .imagenet: return try Self.imagenetPath(environment: environment)
        }
    }

    /// The first search directory's copy of `imagenetFileName`.
    private static func imagenetPath(environment: [String: String]) throws -> String {
        let candidates = imagenetSearchDirectories(environment: environment).map { $0 + "/" + imagenetFileName }
        if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) { return found }
        throw WeightsError.notFound("ImageNet weights \(imagenetFileName) not found; looked for "
            + candidates.joined(separator: ", ") + ". Download \(imagenetURL) into one of these "
            + "directories (or set TORCH_HOME), or pass a weights file")
    }

    /// A stable name for these weights, for feature-cache keys: `sha256:<hex>` of the file's
    /// bytes, or `random:<seed>`.
    public func identity(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        guard let path = try resolvedPath(environment: environment) else { return randomIdentity }
        return "sha256:" + (try WeightsFile.sha256(path: path))
    }

    /// `random:<seed> init-v1`: names the initialisation scheme too, so a change to
    /// `RandomInit` must bump the version and so invalidate cached features.
    var randomIdentity: String { description + " init-v1" }

    /// The state_dict with its identity and origin.
    /// - Throws: `WeightsError` naming the file and what is wrong (see `WeightsFile.load`).
    public func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> LoadedWeights {
        let (stateDict, origin) = try stateDict(environment: environment)
        return LoadedWeights(stateDict: stateDict, identity: try identity(environment: environment), origin: origin)
    }

    /// The state_dict and the name to give errors (the file read, or `random:<seed>`), without
    /// hashing the file (for callers that already know `identity`).
    public func stateDict(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> (StateDict, origin: String) {
        switch self {
        case .random(let seed):
            return (RandomInit.resnet50(seed: seed), description)
        case .file(let path):
            return (try WeightsFile.load(path: path), path)
        case .imagenet:
            let path = try Self.imagenetPath(environment: environment)
            return (try WeightsFile.load(path: path), path)
        }
    }
}

/// A loaded state_dict and where it came from.
public struct LoadedWeights: Sendable {
    /// Key -> tensor, PyTorch layout.
    public let stateDict: StateDict
    /// `sha256:<hex>` of the file or `random:<seed> init-v1` (see `WeightsSource.identity`).
    public let identity: String
    /// The file read, or `random:<seed>`: the name to give errors (`ResNet50(weights:file:)`).
    public let origin: String
}
