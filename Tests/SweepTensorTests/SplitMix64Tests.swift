import SweepTensor
import XCTest

final class SplitMix64Tests: XCTestCase {
    /// Vigna's splitmix64.c seeded with 1234567: its first outputs of next().
    func testMatchesTheReferenceImplementation() {
        var state: UInt64 = 1_234_567
        XCTAssertEqual(splitmix64(&state), 6_457_827_717_110_365_317)
        XCTAssertEqual(splitmix64(&state), 3_203_168_211_198_807_973)
        XCTAssertEqual(splitmix64(&state), 9_817_491_932_198_370_423)
        XCTAssertEqual(state, 1_234_567 &+ 3 &* 0x9E37_79B9_7F4A_7C15)
    }
}
