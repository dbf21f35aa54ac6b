import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a set of embedded files as a folder that appears whole or not at all: they are
/// written into a staging folder beside the target, which is then renamed into place.
enum FolderWriter {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Whether `folder` holds every file of `files` with the same bytes.
    static func matches(_ files: [EmbeddedFile], at folder: URL) -> Bool {
        files.allSatisfy { FileManager.default.contents(atPath: folder.appendingPathComponent($0.path).path) == $0.contents }
    }

    /// Puts `files` at `target`, replacing a folder there that does not match them. Safe
    /// against another process doing the same at once: whichever rename lands first wins,
    /// and the other finds a matching folder.
    static func install(_ files: [EmbeddedFile], at target: URL) throws(Failure) {
        let fm = FileManager.default
        let parent = target.deletingLastPathComponent()
        let staging = parent.appendingPathComponent(".\(target.lastPathComponent).partial-\(getpid())-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: staging) }
        do {
            for file in files {
                let url = staging.appendingPathComponent(file.path)
                // Private, whatever the umask: a cache others could write in would not be trusted.
                try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                try file.contents.write(to: url)
            }
        } catch {
            throw Failure(description: "cannot write \(staging.path): \(error.localizedDescription)")
        }
        if fm.fileExists(atPath: target.path) {
            // A folder that does not match (edited, half deleted): moved aside, then removed.
            let stale = parent.appendingPathComponent(".\(target.lastPathComponent).stale-\(UUID().uuidString)")
            if rename(target.path, stale.path) == 0 { try? fm.removeItem(at: stale) }
        }
        if rename(staging.path, target.path) != 0 {
            let reason = String(cString: strerror(errno))
            if matches(files, at: target) { return }  // another process put the same files there first
            throw Failure(description: "cannot rename \(staging.path) to \(target.path): \(reason)")
        }
    }
}
