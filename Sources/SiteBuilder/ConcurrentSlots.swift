import Foundation

/// A fixed array that several threads fill, each at its own index. Used with
/// `DispatchQueue.concurrentPerform`, where every iteration owns exactly one slot, so writes
/// never overlap; the lock only guards against the array's storage being shared.
final class ConcurrentSlots<Value>: @unchecked Sendable {
    private var storage: [Value?]
    private let lock = NSLock()

    init(count: Int) { storage = Array(repeating: nil, count: count) }

    subscript(index: Int) -> Value? {
        get { lock.withLock { storage[index] } }
        set { lock.withLock { storage[index] = newValue } }
    }

    var values: [Value?] { lock.withLock { storage } }
}
