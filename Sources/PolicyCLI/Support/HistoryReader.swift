import Foundation
import PolicyRuntime
import PolicyData
import PolicyFiles

/// The history read on a thread of its own (see `Pipeline.startReadingHistory`);
/// `finish` waits for it. Waited for whatever happens, so that the next version
/// begun is removed when the run stops early.
final class HistoryReader: @unchecked Sendable {
    // INVARIANT: `result` is written by the reading thread before `done` is signalled, read after.
    private var result: Result<(ActionHistory, OutputFile.Pending?), HistoryError>? = nil
    private let done = DispatchSemaphore(value: 0)
    private var waited = false
    /// How long the reading took, for `timings`.
    private var seconds = 0.0
    private let timings: StageTimings?

    init(path: String, program: Program, recording: Bool, timings: StageTimings?) {
        self.timings = timings
        let thread = Thread { [self] in
            let started = DispatchTime.now().uptimeNanoseconds
            result = Result { () throws(HistoryError) in
                var next: OutputFile.Pending? = nil
                if recording {
                    do throws(FileError) {
                        next = try OutputFile.begin(path)
                    } catch {
                        throw .file(error)
                    }
                }
                let history = try ActionHistory.read(path, for: program, copyingInto: next?.sink)
                next?.startWriteback()
                return (history, next)
            }
            seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            done.signal()
        }
        thread.stackSize = 1 << 22
        thread.start()
    }

    /// Waits for the reading to end (once).
    func wait() {
        guard !waited else { return }
        done.wait()
        waited = true
    }

    /// The history, and its next version begun when recording; a history that
    /// cannot be used is reported.
    func finish(_ pipeline: Pipeline) throws(Stop) -> (ActionHistory, OutputFile.Pending?) {
        wait()
        timings?.add("read history", seconds)
        // INVARIANT: the thread set `result` before it signalled.
        switch result! {
        case .success(let read): return read
        case .failure(let error): throw pipeline.report(error)
        }
    }

    deinit { wait() }
}
