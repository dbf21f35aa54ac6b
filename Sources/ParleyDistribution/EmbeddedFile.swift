import Foundation

/// A file a `parley` binary carries: its path inside its folder and its bytes.
public struct EmbeddedFile: Sendable {
    public let path: String
    /// The bytes as base64: a string literal compiles fast, an array of bytes does not.
    let base64: String

    init(path: String, base64: String) {
        self.path = path
        self.base64 = base64
    }

    public var contents: Data {
        // The generator wrote it from real bytes; a literal that does not decode is a broken build.
        guard let data = Data(base64Encoded: base64, options: .ignoreUnknownCharacters) else {
            preconditionFailure("EmbeddedFiles.swift: \(path) is not valid base64; run ./contrib/embed-files.sh")
        }
        return data
    }
}

/// The folders embedded by contrib/embed-files.sh (EmbeddedFiles.swift holds their bytes).
public enum EmbeddedFiles {}

extension EmbeddedFiles {
    /// `Stdlib/`: the modules `require` reaches (`parley.script`, `parley.spec`...).
    public static var stdlibFiles: [EmbeddedFile] { stdlib }
    /// `Annotations/`: `---@meta` files for lua-language-server.
    public static var annotationFiles: [EmbeddedFile] { annotations }
    /// `Scaffold/`: what `parley init` writes.
    public static var scaffoldFiles: [EmbeddedFile] { scaffold }
}
