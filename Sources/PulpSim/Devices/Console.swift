// Platform: the firmware's text output, line-buffered per hart (docs/platform.md §6).
//
// Every device that prints (the pulp stdout window, HTIF console, the testbench print port) feeds
// bytes here; a line is emitted whole when it ends, so lines of different harts never interleave.

import Foundation

/// Collects firmware output per hart and emits complete lines.
public final class Console {
    /// Prefix each line with "[hart N] ".
    public var prefixHart: Bool
    /// Write lines to the process's standard output as they complete.
    public var echoToStandardOutput: Bool
    /// Keep all output in `captured` (tests, JSON results).
    public var capture: Bool
    public private(set) var captured = ""
    private var pending: [Int: [UInt8]] = [:]
    /// Called for every complete line (tracing hooks in here).
    public var lineObserver: ((Int, String) -> Void)?
    /// A progress line is on the terminal (stderr): erase it before printing a firmware line.
    public var progressLineShown = false

    public init(prefixHart: Bool = false, echoToStandardOutput: Bool = true, capture: Bool = false) {
        self.prefixHart = prefixHart
        self.echoToStandardOutput = echoToStandardOutput
        self.capture = capture
    }

    public func put(hart: Int, byte: UInt8) {
        if byte == UInt8(ascii: "\n") {
            emit(hart: hart, bytes: pending[hart] ?? [], newline: true)
            pending[hart] = []
        } else {
            pending[hart, default: []].append(byte)
            if pending[hart]!.count >= 4096 {  // a runaway line without newline: flush in chunks
                emit(hart: hart, bytes: pending[hart]!, newline: true)
                pending[hart] = []
            }
        }
    }

    /// Snapshots: the lines each hart has begun (what was printed is output, not state).
    func snapshot(_ coder: inout SnapshotCoder) {
        var harts = pending.keys.sorted()
        coder.array(&harts)
        var lines = harts.map { pending[$0] ?? [] }
        coder.array(&lines, empty: []) { $0.array(&$1) }
        if coder.isRestoring && harts.count == lines.count {
            pending = Dictionary(zip(harts, lines), uniquingKeysWith: { a, _ in a })
        }
    }

    /// Emits partial lines (end of run).
    public func flush() {
        for hart in pending.keys.sorted() where !(pending[hart]?.isEmpty ?? true) {
            emit(hart: hart, bytes: pending[hart]!, newline: true)
            pending[hart] = []
        }
    }

    private func emit(hart: Int, bytes: [UInt8], newline: Bool) {
        var line = String(decoding: bytes, as: UTF8.self)
        if prefixHart { line = "[hart \(hart)] " + line }
        lineObserver?(hart, line)
        if capture { captured += line + (newline ? "\n" : "") }
        if echoToStandardOutput {
            if progressLineShown {
                writeText(2, "\r\u{1B}[K")
                progressLineShown = false
            }
            // Written at once, unbuffered: lines keep their order with reports and traces on the
            // same descriptors.
            writeText(1, line + (newline ? "\n" : ""))
        }
    }
}

/// Writes `text` to file descriptor `fd` completely (errors are ignored: a closed pipe raises
/// SIGPIPE, which ends the process as other Unix tools end).
func writeText(_ fd: Int32, _ text: String) {
    var text = text
    text.withUTF8 { bytes in
        guard let base = bytes.baseAddress else { return }
        _ = writeAll(fd, base, bytes.count)
    }
}
