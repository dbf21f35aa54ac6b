#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One process at a time per database: `parley serve` holds an exclusive `flock` on
/// `<database>.lock` while it runs. Two servers on one database would each resume the
/// other's in-flight sends and number messages from the same counters. The kernel drops the
/// lock when the process ends, however it ends, so a `kill -9` leaves nothing to clean up.
public final class DatabaseLock {
    public let path: String
    private let descriptor: Int32

    /// Takes the lock next to `databasePath`, or throws naming the process that holds it.
    /// A factory rather than a failable init: the object exists only once it holds the lock,
    /// so its `deinit` never meets a descriptor that was closed already.
    public static func acquire(databasePath: String) throws(DatabaseLockError) -> DatabaseLock {
        let path = databasePath + ".lock"
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = holder(descriptor)
            close(descriptor)
            throw .held(path: databasePath, by: holder)
        }
        // Who holds it, for the next process's error message.
        let pid = "\(getpid())\n"
        _ = ftruncate(descriptor, 0)
        _ = pid.withCString { pwrite(descriptor, $0, strlen($0), 0) }
        return DatabaseLock(path: path, descriptor: descriptor)
    }

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    private static func holder(_ descriptor: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = pread(descriptor, &buffer, buffer.count - 1, 0)
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[..<count].filter { (48...57).contains($0) }, as: UTF8.self))
    }
}

public enum DatabaseLockError: Error, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case held(path: String, by: Int32?)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            return "cannot create the lock file \(path): \(reason); point [server] database at a folder you can write to"
        case .held(let path, let pid):
            let who = pid.map { "process \($0)" } ?? "another process"
            return "\(path) is in use by \(who), another parley serve; stop it, or point [server] database at another file"
        }
    }
}
