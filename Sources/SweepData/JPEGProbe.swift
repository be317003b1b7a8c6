import Foundation

/// What a JPEG's frame header (or a PNG's IHDR chunk) says, read without decoding the image.
public struct JPEGHeader: Sendable, Equatable {
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// Colour components (1 gray, 3 YCbCr, 4 CMYK).
    public var components: Int
    /// File size in bytes.
    public var fileSize: Int
    /// True for a PNG (its IHDR was read), false for a JPEG.
    public var isPNG = false
}

/// Checks that a file starts like a JPEG: the SOI marker, then marker segments up to a
/// start-of-frame (SOFn) header with non-zero width, height and components; or like a PNG:
/// the signature, then an IHDR chunk with a non-zero size. The entropy-coded
/// data is not read, so a file truncated after its headers passes; decoding will catch it.
/// Segment layout per ITU-T T.81 (JPEG), Annex B.
public enum JPEGProbe {
    /// The frame header of the JPEG at `url`, or a reason it is not one.
    public static func probe(_ url: URL) -> Result<JPEGHeader, ProbeFailure> {
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else { return .failure(.missing) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            return .failure(.unreadable("not a regular file"))
        }
        let size = Int(info.st_size)

        func bytes(at offset: Int, _ count: Int) -> [UInt8]? {
            guard offset >= 0, offset + count <= size else { return nil }
            var buffer = [UInt8](repeating: 0, count: count)
            let got = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(offset)) }
            return got == count ? buffer : nil
        }

        if let signature = bytes(at: 0, 8), signature == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] {
            return probePNG(bytes(at: 8, 18), fileSize: size)
        }
        guard let soi = bytes(at: 0, 2), soi == [0xFF, 0xD8] else {
            return .failure(.unreadable("not a JPEG or PNG image (no SOI marker and no PNG signature at the start; \(size) bytes)"))
        }
        var pos = 2
        while true {
            guard let head = bytes(at: pos, 2), head[0] == 0xFF else {
                return .failure(.unreadable("no JPEG frame header (bad marker at byte \(pos))"))
            }
            let marker = head[1]
            if marker == 0xFF { pos += 1; continue }  // fill byte
            if marker == 0x01 || (0xD0...0xD7).contains(marker) { pos += 2; continue }
            if marker == 0xD9 || marker == 0xDA {
                return .failure(.unreadable("no JPEG frame header before the image data"))
            }
            guard let lengthBytes = bytes(at: pos + 2, 2) else {
                return .failure(.unreadable("JPEG headers cut short at byte \(pos)"))
            }
            let length = Int(lengthBytes[0]) << 8 | Int(lengthBytes[1])
            guard length >= 2 else { return .failure(.unreadable("bad JPEG segment length at byte \(pos)")) }
            if isStartOfFrame(marker) {
                guard length >= 8, let frame = bytes(at: pos + 4, 6) else {
                    return .failure(.unreadable("JPEG frame header cut short"))
                }
                let height = Int(frame[1]) << 8 | Int(frame[2])
                let width = Int(frame[3]) << 8 | Int(frame[4])
                let components = Int(frame[5])
                guard width > 0, height > 0, components > 0 else {
                    return .failure(.unreadable("JPEG frame header gives \(width)x\(height)x\(components)"))
                }
                return .success(JPEGHeader(width: width, height: height, components: components, fileSize: size))
            }
            pos += 2 + length
        }
    }

    /// A PNG's size from its first chunk, which must be IHDR (PNG specification, 11.2.2):
    /// length 13, `IHDR`, width and height (big-endian), bit depth, colour type.
    /// - Parameter chunk: the 18 bytes after the signature, nil when the file is shorter.
    static func probePNG(_ chunk: [UInt8]?, fileSize: Int) -> Result<JPEGHeader, ProbeFailure> {
        guard let c = chunk, c[4..<8] == [0x49, 0x48, 0x44, 0x52] else {
            return .failure(.unreadable("PNG without an IHDR chunk first"))
        }
        func u32(_ i: Int) -> Int { Int(c[i]) << 24 | Int(c[i + 1]) << 16 | Int(c[i + 2]) << 8 | Int(c[i + 3]) }
        let width = u32(8), height = u32(12)
        let channels = [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][Int(c[17])] ?? 0
        guard width > 0, height > 0 else { return .failure(.unreadable("PNG header gives \(width)x\(height)")) }
        return .success(JPEGHeader(width: width, height: height, components: max(channels, 1), fileSize: fileSize, isPNG: true))
    }

    /// SOF0-SOF3, SOF5-SOF7, SOF9-SOF11, SOF13-SOF15 (C4 is DHT, C8 JPG, CC DAC).
    static func isStartOfFrame(_ marker: UInt8) -> Bool {
        (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
    }

    /// Why a file failed the probe.
    public enum ProbeFailure: Error, Equatable, Sendable {
        /// The file cannot be opened (absent).
        case missing
        /// The file is there but is not a JPEG as far as its headers go.
        case unreadable(String)
    }
}

/// Running totals over the image headers a scan read.
public struct ImageHeaderStats: Sendable, Equatable {
    /// Images named by the labels file (found or not).
    public var listed = 0
    /// Images whose headers were read.
    public var checked = 0
    /// Of those, PNG images (the others are JPEG).
    public var png = 0
    /// Smallest and largest width and height seen (0 when none).
    public var minWidth = 0, maxWidth = 0, minHeight = 0, maxHeight = 0
    /// Total file bytes.
    public var totalBytes = 0

    /// Adds one header.
    mutating func add(_ h: JPEGHeader) {
        if checked == 0 {
            (minWidth, maxWidth, minHeight, maxHeight) = (h.width, h.width, h.height, h.height)
        } else {
            minWidth = min(minWidth, h.width); maxWidth = max(maxWidth, h.width)
            minHeight = min(minHeight, h.height); maxHeight = max(maxHeight, h.height)
        }
        checked += 1
        totalBytes += h.fileSize
    }
}

/// Probes every image of a data set, logging missing and unreadable ones.
struct ImageChecker {
    var stats = ImageHeaderStats()

    /// Checks `url` (named `name` in messages); `line` is the CSV line naming it, if any.
    mutating func check(_ url: URL, name: String, line: Int? = nil, labelsFile: String?, log: inout ProblemLog) {
        stats.listed += 1
        switch JPEGProbe.probe(url) {
        case .success(let header):
            stats.add(header)
            if header.isPNG { stats.png += 1 }
        case .failure(.missing):
            if let labelsFile, let line {
                log.add(DataProblem(.missingImage, file: labelsFile, line: line, "image \(name) does not exist (\(url.path))"))
            } else {
                log.add(DataProblem(.missingImage, file: url.path, "image \(name) does not exist"))
            }
        case .failure(.unreadable(let why)):
            if let labelsFile, let line {
                log.add(DataProblem(.badImage, file: labelsFile, line: line, "image \(name) (\(url.path)): \(why)"))
            } else {
                log.add(DataProblem(.badImage, file: url.path, "image \(name): \(why)"))
            }
        }
    }
}
