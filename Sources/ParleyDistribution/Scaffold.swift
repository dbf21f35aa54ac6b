import Foundation

/// What `parley init DIR` writes: a scripts folder that works at once (Scaffold/), and the
/// editor annotations (Annotations/) under `.parley/types`, where its `.luarc.json` points.
public enum Scaffold {
    /// Where the annotations go inside the new folder; `.luarc.json` names it.
    public static let typesFolder = ".parley/types"

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        /// The files that already exist, when that is what stopped it.
        public let existing: [String]
    }

    /// The files to write, by their path inside the folder: the whole scaffold, or only the
    /// annotations (to refresh them after an upgrade, or for a folder made another way).
    public static func plan(typesOnly: Bool = false) -> [(path: String, file: EmbeddedFile)] {
        let types = EmbeddedFiles.annotationFiles.map { (path: "\(typesFolder)/\($0.path)", file: $0) }
        return typesOnly ? types : EmbeddedFiles.scaffoldFiles.map { (path: $0.path, file: $0) } + types
    }

    /// Writes the plan into `folder` and returns the paths written. Refuses, writing nothing,
    /// when any of them exists, unless `overwrite` (the annotations alone are always replaced:
    /// they belong to Parley, not to the folder's author). A failure part way removes what
    /// this call created.
    @discardableResult
    public static func write(into folder: URL, overwrite: Bool = false, typesOnly: Bool = false) throws(Failure) -> [String] {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: folder.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw Failure(description: "\(folder.path) is a file, not a folder; give a folder to create or fill", existing: [])
        }
        let plan = plan(typesOnly: typesOnly)
        let existing = plan.map(\.path).filter { fm.fileExists(atPath: folder.appendingPathComponent($0).path) }
        if !existing.isEmpty, !overwrite, !typesOnly {
            let shown = existing.prefix(5).map { folder.appendingPathComponent($0).path }.joined(separator: ", ")
            let more = existing.count > 5 ? " and \(existing.count - 5) more" : ""
            throw Failure(description: "\(shown)\(more) already exist\(existing.count == 1 ? "s" : ""); parley init writes only new files: "
                + "give a new folder, or add --force to overwrite them (--types refreshes only the editor annotations)",
                existing: existing)
        }
        var created: [URL] = []  // files and folders this call made, to remove on failure
        do {
            for (path, file) in plan {
                let url = folder.appendingPathComponent(path)
                created += try makeFolders(url.deletingLastPathComponent())
                let isNew = !fm.fileExists(atPath: url.path)
                try file.contents.write(to: url, options: .atomic)
                if isNew { created.append(url) }
            }
        } catch {
            for url in created.reversed() { try? fm.removeItem(at: url) }
            // Each file is written whole (atomically), and the new ones are taken away again;
            // with --force, files already replaced stay replaced.
            let replaced = overwrite && !existing.isEmpty ? "; files --force had already replaced stay replaced" : ""
            throw Failure(description: "cannot write into \(folder.path): \(error.localizedDescription); the files this run created were removed\(replaced)", existing: [])
        }
        return plan.map(\.path)
    }

    /// Creates `folder` and its missing parents; returns those it created, outermost first.
    private static func makeFolders(_ folder: URL) throws -> [URL] {
        var missing: [URL] = []
        var cursor = folder
        while !FileManager.default.fileExists(atPath: cursor.path), cursor.path != "/" {
            missing.insert(cursor, at: 0)
            cursor = cursor.deletingLastPathComponent()
        }
        if !missing.isEmpty { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        return missing
    }
}
