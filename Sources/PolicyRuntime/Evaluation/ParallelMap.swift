import Foundation

/// `body(0..<count)` on up to `workers` threads, each taking the next index as it
/// becomes free (pieces of a file take unequal times), with the results in index
/// order. One worker means the calling thread alone, in order.
package func parallelMap<T: Sendable>(_ count: Int, workers: Int, _ body: @Sendable (Int) -> T) -> [T] {
    guard workers > 1, count > 1 else { return (0..<count).map(body) }
    let results = ParallelResults<T>(count: count)
    DispatchQueue.concurrentPerform(iterations: min(workers, count)) { _ in
        while let i = results.claim() { results.store(i, body(i)) }
    }
    return results.take()
}

/// The next index to run, and the result of each, shared by the worker threads.
private final class ParallelResults<T: Sendable>: @unchecked Sendable {
    // INVARIANT: every access to `next` and `slots` holds `lock`.
    private let lock = NSLock()
    private var next = 0
    private var slots: [T?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func claim() -> Int? {
        lock.withLock {
            guard next < slots.count else { return nil }
            next += 1
            return next - 1
        }
    }

    func store(_ i: Int, _ value: T) {
        lock.withLock { slots[i] = value }
    }

    func take() -> [T] {
        // INVARIANT: called after `concurrentPerform` returned, so every slot is filled.
        lock.withLock { slots.map { $0! } }
    }
}

/// A pointer handed to the threads of `parallelMap`, each of which touches only its
/// own part of the memory it points to.
package struct UnsafeSendable<Pointer>: @unchecked Sendable {
    package let pointer: Pointer

    package init(_ pointer: Pointer) {
        self.pointer = pointer
    }
}
