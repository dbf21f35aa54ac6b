import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Stdlib this binary carries, as a folder `require` can read: written once per version
/// and content into a private cache, and reused by every later run. Used only when no Stdlib
/// folder is found on disk, so a developer's edits to `Stdlib/` always win.
public enum EmbeddedStdlib {
    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    /// The cached folder, written first if it is missing or does not match the embedded files.
    public static func folder(environment: [String: String] = ProcessInfo.processInfo.environment) throws(Unavailable) -> URL {
        let name = "stdlib-\(ParleyVersion.current)-\(fingerprint)"
        var problems: [String] = []
        for base in cacheFolders(environment) {
            let target = base.appendingPathComponent(name)
            do {
                // Checked before anything in it is trusted: in a shared temporary folder,
                // another user could have made the folder, and the files, first.
                try prepare(base)
                if isPrivate(target), FolderWriter.matches(EmbeddedFiles.stdlibFiles, at: target) { return target }
                try FolderWriter.install(EmbeddedFiles.stdlibFiles, at: target)
                return target
            } catch {
                problems.append(error.description)
            }
        }
        throw Unavailable(description: "cannot write the built-in Stdlib to a cache folder (\(problems.joined(separator: "; "))); "
            + "set XDG_CACHE_HOME to a writable folder, or give the Stdlib folder with PARLEY_STDLIB or --stdlib")
    }

    /// Where the cache may go, best first: `$XDG_CACHE_HOME/parley`, `~/.cache/parley`, and
    /// a folder of this user's own in the temporary folder.
    static func cacheFolders(_ environment: [String: String]) -> [URL] {
        var folders: [URL] = []
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            folders.append(URL(fileURLWithPath: xdg).appendingPathComponent("parley"))
        }
        if let home = environment["HOME"], home.hasPrefix("/"), home != "/" {
            folders.append(URL(fileURLWithPath: home).appendingPathComponent(".cache/parley"))
        }
        folders.append(URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("parley-\(getuid())"))
        return folders
    }

    /// Makes `base` (private to this user), and refuses one that someone else owns or that
    /// is a link: in a shared temporary folder, another user could have made it first.
    static func prepare(_ base: URL) throws(FolderWriter.Failure) {
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: base, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw FolderWriter.Failure(description: "cannot create \(base.path): \(error.localizedDescription)")
        }
        guard isPrivate(base) else {
            throw FolderWriter.Failure(description: "\(base.path) is not a folder of this user's own that only this user can write")
        }
    }

    /// A real folder (not a link), this user's, that no group or other user may write in.
    static func isPrivate(_ folder: URL) -> Bool {
        var info = stat()
        return lstat(folder.path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR && info.st_uid == getuid()
            && (info.st_mode & (S_IWGRP | S_IWOTH)) == 0
    }

    /// FNV-1a over every path and its bytes: a new Stdlib gets a new folder, never a mix.
    public static let fingerprint: String = {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func add<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
            for byte in bytes {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
        }
        for file in EmbeddedFiles.stdlibFiles {
            add(file.path.utf8)
            add([0])
            add(file.contents)
            add([0])
        }
        return String(hash, radix: 16)
    }()
}
