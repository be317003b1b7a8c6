import Foundation
import XCTest

/// A skipped test that says so in the test run's summary line: `make test` sets
/// `SWEEP_TEST_SKIP_LOG` to a file, every skip appends `<test>: <reason>` to it, and the summary
/// (`Tests/run_tests.sh`) counts and lists them. (`swift test --parallel` reports skipped tests as
/// passed, so a bare `XCTSkip` would be invisible; the summary refuses to run when one is used.)
public enum ReportedSkip {
    /// Records the skip of `test` with `reason` and returns the `XCTSkip` to throw.
    public static func skip(_ test: XCTestCase, _ reason: String) -> XCTSkip {
        if let path = ProcessInfo.processInfo.environment["SWEEP_TEST_SKIP_LOG"], !path.isEmpty {
            let line = "\(test.name): \(reason)\n".replacingOccurrences(of: "\n", with: " ") + "\n"
            let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
            if fd >= 0 {
                _ = line.withCString { write(fd, $0, strlen($0)) }
                close(fd)
            }
        }
        return XCTSkip(reason)
    }
}
