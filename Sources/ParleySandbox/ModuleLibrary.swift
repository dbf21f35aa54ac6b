import Foundation

/// Where `require` may look: the Stdlib folder shipped with Parley, then the scripts
/// folder. Nothing else is reachable, and module names are dotted words, so no path can
/// escape those two folders. Sources are read once and shared by every state.
public final class ModuleLibrary: @unchecked Sendable {
    public let stdlib: URL
    public let scripts: URL?
    private let lock = NSLock()
    private var cache: [String: Module] = [:]

    public struct Module: Sendable {
        public let source: String
        /// The path as error messages show it.
        public let chunkName: String
    }

    public init(stdlib: URL, scripts: URL?) {
        self.stdlib = stdlib
        self.scripts = scripts
    }

    /// The module `name` (`"parley.replies"`, `"lib.menus"`), or an error that says why
    /// it cannot be required.
    public func module(_ name: String) throws(HostError) -> Module {
        guard ModuleLibrary.isValidName(name) else {
            throw HostError("require \"\(name)\": module names are dotted words of letters, digits and '_', e.g. require \"lib.menus\"; paths are not allowed")
        }
        lock.lock()
        defer { lock.unlock() }
        if let module = cache[name] { return module }
        let relative = name.replacingOccurrences(of: ".", with: "/") + ".lua"
        for root in [stdlib, scripts].compactMap({ $0 }) {
            let url = root.appendingPathComponent(relative)
            guard let data = FileManager.default.contents(atPath: url.path) else { continue }
            guard let source = String(data: data, encoding: .utf8) else {
                throw HostError("require \"\(name)\": \(url.path) is not UTF-8 text")
            }
            let module = Module(source: source, chunkName: ModuleLibrary.displayPath(url))
            cache[name] = module
            return module
        }
        let places = [stdlib, scripts].compactMap { $0.map { ModuleLibrary.displayPath($0.appendingPathComponent(relative)) } }
        throw HostError("require \"\(name)\": no such module (looked for \(places.joined(separator: " and ")))")
    }

    static func isValidName(_ name: String) -> Bool {
        guard !name.isEmpty, name.count <= 128 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { part in
            !part.isEmpty && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
        }
    }

    /// A path relative to the working directory when it lies inside it: shorter messages.
    public static func displayPath(_ url: URL) -> String {
        let path = url.standardizedFileURL.path
        let cwd = FileManager.default.currentDirectoryPath
        if path.hasPrefix(cwd + "/") { return String(path.dropFirst(cwd.count + 1)) }
        return path
    }

    /// The Stdlib folder: `$PARLEY_STDLIB`, else a `Stdlib` folder holding
    /// `parley/script.lua` in the working directory, beside the executable, or above it.
    public static func locateStdlib(executable: String = CommandLine.arguments.first ?? "") -> URL? {
        var candidates: [URL] = []
        if let env = ProcessInfo.processInfo.environment["PARLEY_STDLIB"], !env.isEmpty {
            candidates.append(URL(fileURLWithPath: env))
        }
        candidates.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Stdlib"))
        var dir = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(dir.appendingPathComponent("Stdlib"))
            candidates.append(dir.appendingPathComponent("share/parley/Stdlib"))
            dir = dir.deletingLastPathComponent()
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("parley/script.lua").path) }
    }
}
