import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Gives memory back to the operating system after a burst, on glibc.
///
/// glibc keeps freed memory in its arenas, one per thread that allocated under contention,
/// up to eight per core; a burst of large webhook bodies spread over the server's threads
/// leaves hundreds of MiB there, resident, after every body is gone (issue 8: 0.9 GB never
/// released). Two arenas bound how much is kept, and `malloc_trim` returns the free pages
/// of all of them once the burst is over.
///
/// `mallopt` and `malloc_trim` are looked up at run time: Swift's Glibc module does not
/// declare them, and where they are missing (another C library) this does nothing.
public final class MemoryReturn: Sendable {
    /// Bytes of webhook bodies taken in since the last trim.
    private let takenSinceTrim = Atomic<Int>(0)
    /// How many bytes make a burst worth trimming after: a trim walks every arena, and after
    /// a few small bodies there is nothing to give back.
    let burstBytes: Int

    public init(burstBytes: Int = 32 << 20) {
        self.burstBytes = burstBytes
    }

    /// Counts a webhook body taken in.
    public func noteBody(_ bytes: Int) {
        takenSinceTrim.add(bytes, ordering: .relaxed)
    }

    /// Trims when a burst has come through since the last trim; the inbox worker calls it
    /// when the inbox is idle. Returns whether it trimmed.
    @discardableResult
    public func trimAfterBurst() -> Bool {
        guard takenSinceTrim.load(ordering: .relaxed) >= burstBytes else { return false }
        takenSinceTrim.store(0, ordering: .relaxed)
        Self.trim()
        return true
    }

    /// Caps glibc's arenas at `count`; call at the start of `parley serve`, before the
    /// server's threads allocate (arenas made before stay).
    public static func limitArenas(to count: Int32 = 2) {
        guard let mallopt = symbol("mallopt", as: (@convention(c) (Int32, Int32) -> Int32).self) else { return }
        let arenaMax: Int32 = -8  // M_ARENA_MAX in <malloc.h>
        _ = mallopt(arenaMax, count)
    }

    /// Returns the free pages of every arena to the operating system.
    public static func trim() {
        guard let trim = symbol("malloc_trim", as: (@convention(c) (Int) -> Int32).self) else { return }
        _ = trim(0)
    }

    private static func symbol<F>(_ name: String, as type: F.Type) -> F? {
        #if canImport(Glibc)
        guard let address = dlsym(dlopen(nil, RTLD_NOW), name) else { return nil }
        return unsafeBitCast(address, to: type)
        #else
        return nil
        #endif
    }
}
