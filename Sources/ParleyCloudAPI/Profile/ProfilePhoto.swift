/// A profile photo as the platform takes it: a JPEG or PNG of at most 5 MB; 640×640 is
/// what it recommends. Read from the file's own header, without decoding the image.
public struct ProfilePhoto: Sendable, Equatable {
    public let mimeType: String
    public let width: Int
    public let height: Int
    public let bytes: Int

    public static let maxBytes = 5 << 20

    /// The photo's type and size, or nil when `data` is neither a PNG nor a JPEG.
    public init?(_ data: [UInt8]) {
        bytes = data.count
        if data.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), data.count >= 24 {
            // IHDR is the first chunk: width and height, big-endian, at bytes 16 and 20.
            mimeType = "image/png"
            width = Self.bigEndian(data, 16, 4)
            height = Self.bigEndian(data, 20, 4)
            return
        }
        guard data.starts(with: [0xFF, 0xD8]), let (width, height) = Self.jpegSize(data) else { return nil }
        mimeType = "image/jpeg"
        self.width = width
        self.height = height
    }

    /// Problems with the photo, for `file`: errors the platform refuses, warnings it crops.
    public func problems(file: String) -> [LintProblem] {
        var problems: [LintProblem] = []
        if bytes > Self.maxBytes {
            problems.append(LintProblem(.error, file: file, template: "profile", component: "photo",
                                        "the photo is \(bytes / 1024) KB, over 5 MB", fix: "save it smaller; 640×640 is enough"))
        }
        if width != height || width < 192 {
            problems.append(LintProblem(.warning, file: file, template: "profile", component: "photo",
                                        "the photo is \(width)×\(height); WhatsApp shows it in a circle, cropped from a square",
                                        fix: "use a square image, 640×640 recommended"))
        }
        return problems
    }

    /// The size in the first start-of-frame segment (SOF0 to SOF15, less DHT, JPG and DAC).
    private static func jpegSize(_ data: [UInt8]) -> (Int, Int)? {
        var i = 2
        while i + 9 < data.count {
            guard data[i] == 0xFF else { return nil }
            let marker = data[i + 1]
            if marker == 0xFF { i += 1; continue }  // fill bytes
            let length = bigEndian(data, i + 2, 2)
            if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) {
                return (bigEndian(data, i + 7, 2), bigEndian(data, i + 5, 2))
            }
            i += 2 + length
        }
        return nil
    }

    private static func bigEndian(_ data: [UInt8], _ at: Int, _ count: Int) -> Int {
        data[at..<(at + count)].reduce(0) { $0 << 8 | Int($1) }
    }
}
