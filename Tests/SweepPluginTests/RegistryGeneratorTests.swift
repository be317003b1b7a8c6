import Foundation
import XCTest

/// The `PluginRegistryGenerator` executable (built with the tests) on a module of two files.
final class RegistryGeneratorTests: XCTestCase {
    /// The directory of the built products (where the test bundle and the generator are).
    static var productsDirectory: URL {
        #if os(macOS)
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent()
        }
        #endif
        return Bundle.main.bundleURL
    }

    func testNestedPluginTypeIsNotRegisteredAndWarnsWithItsFileAndName() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("registry-generator-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let list = directory.appendingPathComponent("List.swift")
        try "import SweepPluginAPI\nenum Registry: PluginList {}\n".write(to: list, atomically: true, encoding: .utf8)
        let plugins = directory.appendingPathComponent("Plugins.swift")
        try """
            import SweepPluginAPI
            struct TopLevel: MetricPlugin {}
            enum Outer {
                struct Inner: LossPlugin {}
            }

            """.write(to: plugins, atomically: true, encoding: .utf8)
        let output = directory.appendingPathComponent("Generated.swift")

        let process = Process()
        process.executableURL = Self.productsDirectory.appendingPathComponent("PluginRegistryGenerator")
        process.arguments = [output.path, list.path, plugins.path]
        let stderr = Pipe()
        process.standardError = stderr
        try process.run()
        let diagnostics = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()

        XCTAssertEqual(process.terminationStatus, 0, diagnostics)
        XCTAssertEqual(diagnostics, "\(plugins.path):4: warning: 'Inner' is nested in another declaration and cannot be "
                       + "registered as a plugin; declare it at the top level of its file\n")
        let generated = try String(contentsOf: output, encoding: .utf8)
        XCTAssertTrue(generated.contains("TopLevel.self"), generated)
        XCTAssertFalse(generated.contains("Inner"), generated)
    }
}

/// The code identities the generator writes: a plugin in a folder is every file of the folder,
/// comments and whitespace do not count, any other edit does, and moving the folder keeps it.
final class CodeIdentityTests: XCTestCase {
    var root = URL(fileURLWithPath: "/nonexistent")

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("code-identity-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("a"), withIntermediateDirectories: true)
        try "import SweepPluginAPI\nenum Registry: PluginList {}\n".write(to: root.appendingPathComponent("List.swift"), atomically: true, encoding: .utf8)
        try write("a/Metric.swift", "struct M: MetricPlugin {\n    let label = \"x  y\"\n    func f() -> Int { helper() }\n}\n")
        try write("a/Helper.swift", "func helper() -> Int { 1 }\n")
        try write("Top.swift", "struct T: LossPlugin { let k = 2 }\n")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func write(_ path: String, _ text: String) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    /// Runs the generator over every Swift file under `root`; returns type name -> (identity, files).
    func identities() throws -> [String: (identity: String, files: String)] {
        let fm = FileManager.default
        let inputs = (fm.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".swift") && $0 != "Generated.swift" }.map { root.appendingPathComponent($0).path }
        let output = root.appendingPathComponent("Generated.swift")
        let process = Process()
        process.executableURL = RegistryGeneratorTests.productsDirectory.appendingPathComponent("PluginRegistryGenerator")
        process.arguments = ["--root", root.path, output.path] + inputs
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        let text = try String(contentsOf: output, encoding: .utf8)
        var found: [String: (String, String)] = [:]
        let regex = try Regex(#"PluginRegistration\((\w+)\.self, codeIdentity: "(sha256:[0-9a-f]{64})", files: \[([^\]]*)\]\)"#)
        for m in text.matches(of: regex) {
            if let name = m.output[1].substring, let id = m.output[2].substring, let files = m.output[3].substring {
                found[String(name)] = (String(id), String(files))
            }
        }
        return found
    }

    func testIdentityFollowsTheCodeNotTheComments() throws {
        let before = try identities()
        XCTAssertEqual(before["M"]?.files, #""a/Helper.swift", "a/Metric.swift""#, "the whole folder")
        XCTAssertEqual(before["T"]?.files, #""Top.swift""#, "a top-level file alone")

        // A comment and re-indentation: same identities.
        try write("a/Metric.swift", "// a comment\nstruct M: MetricPlugin {   /* note */\n  let label = \"x  y\"\n\n  func f() -> Int { helper() } // why\n}\n")
        let reformatted = try identities()
        XCTAssertEqual(reformatted["M"]?.identity, before["M"]?.identity)
        XCTAssertEqual(reformatted["T"]?.identity, before["T"]?.identity)

        // A change in another file of the folder changes M's identity only.
        try write("a/Helper.swift", "func helper() -> Int { 2 }\n")
        let edited = try identities()
        XCTAssertNotEqual(edited["M"]?.identity, before["M"]?.identity)
        XCTAssertEqual(edited["T"]?.identity, before["T"]?.identity)

        // A string literal counts: "//" inside it is not a comment.
        try write("Top.swift", "struct T: LossPlugin { let k = 2; let s = \"// not a comment\" }\n")
        let withString = try identities()
        try write("Top.swift", "struct T: LossPlugin { let k = 2; let s = \"// not a comment!\" }\n")
        XCTAssertNotEqual(try identities()["T"]?.identity, withString["T"]?.identity)

        // Moving the folder keeps the identity.
        try FileManager.default.moveItem(at: root.appendingPathComponent("a"), to: root.appendingPathComponent("b"))
        let moved = try identities()
        XCTAssertEqual(moved["M"]?.identity, edited["M"]?.identity)
        XCTAssertEqual(moved["M"]?.files, #""b/Helper.swift", "b/Metric.swift""#)
    }
}
