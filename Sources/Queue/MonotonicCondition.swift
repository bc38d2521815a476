#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A lock and a condition whose timed wait counts on the monotonic clock, so that a step back
/// of the system's clock (a manual change, a virtual machine resumed) cannot stretch a wait.
/// Foundation's `NSCondition` and libdispatch's semaphores on Linux wait until a wall-clock
/// time. Used by the group committer, whose writer waits a fraction of a millisecond for a
/// batch to fill while everything behind it waits too.
final class MonotonicCondition: @unchecked Sendable {  // the pthread objects are the state
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        precondition(pthread_mutex_init(mutex, nil) == 0, "pthread_mutex_init")
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        #if os(Linux)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        #endif
        precondition(pthread_cond_init(condition, &attributes) == 0, "pthread_cond_init")
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Nanoseconds on the monotonic clock (arbitrary origin; never goes back).
    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }

    /// Wakes one waiter (call with the lock held).
    func signal() { pthread_cond_signal(condition) }

    /// With the lock held: releases it until signalled (or woken spuriously) or until `deadline`
    /// (`now()` nanoseconds), then takes it again. False once the deadline has passed.
    func wait(until deadline: UInt64) -> Bool {
        let start = Self.now()
        guard deadline > start else { return false }
        #if os(Linux)
        var time = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        return pthread_cond_timedwait(condition, mutex, &time) != ETIMEDOUT
        #else
        let remaining = deadline - start
        var time = timespec(tv_sec: Int(remaining / 1_000_000_000), tv_nsec: Int(remaining % 1_000_000_000))
        return pthread_cond_timedwait_relative_np(condition, mutex, &time) != ETIMEDOUT
        #endif
    }
}
