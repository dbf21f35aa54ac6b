import Foundation

/// Wake-up calls between the parts of a running server: a worker waits on its signal, or a
/// timeout, whichever comes first. Signals sent while nobody waits are not lost.
public final class ServiceSignals: Sendable {
    public let inbox = Signal()
    public let deliveries = Signal()
    public let agenda = Signal()

    public init() {}
}

public final class Signal: @unchecked Sendable {
    private let lock = NSLock()
    private var pending = false
    private var waiter: CheckedContinuation<Void, Never>?

    public init() {}

    public func signal() {
        lock.lock()
        if let waiter {
            self.waiter = nil
            lock.unlock()
            waiter.resume()
        } else {
            pending = true
            lock.unlock()
        }
    }

    /// Returns on the next signal (or at once if one came meanwhile), or after `timeout`.
    public func wait(timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.next() }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
            self.cancelWaiter()
        }
    }

    private func next() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            lock.lock()
            if pending {
                pending = false
                lock.unlock()
                continuation.resume()
            } else {
                waiter = continuation
                lock.unlock()
            }
        }
    }

    private func cancelWaiter() {
        lock.lock()
        let w = waiter
        waiter = nil
        lock.unlock()
        w?.resume()
    }
}
