import Foundation
@testable import ParleyDistribution

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A fresh empty folder under the temporary folder.
func temporaryFolder(_ label: String) throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-\(label)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

/// The built-in Stdlib, written to a cache of the test's own.
func builtInStdlib() throws -> URL {
    try EmbeddedStdlib.folder(environment: ["XDG_CACHE_HOME": try temporaryFolder("cache").path])
}

/// Every regular file under `folder`, by its path inside it, as contrib/embed-files.sh lists them.
func files(under folder: URL) -> [String: Data] {
    var out: [String: Data] = [:]
    guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return out }
    let prefix = folder.standardizedFileURL.resolvingSymlinksInPath().path + "/"
    for case let url as URL in walker where url.lastPathComponent != ".DS_Store" {
        guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
        let path = url.standardizedFileURL.resolvingSymlinksInPath().path
        out[String(path.dropFirst(prefix.count))] = FileManager.default.contents(atPath: url.path)
    }
    return out
}
