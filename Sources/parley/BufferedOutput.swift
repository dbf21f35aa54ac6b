import Foundation
import ParleyJSON
import ParleyRuntime

/// Lines to standard output, written in large chunks.
final class BufferedOutput {
    private var text = JSONText()

    func write(_ record: TranscriptRecord) {
        record.appendLine(to: &text)
        endLine()
    }

    func write(_ line: String) {
        text.append(line)
        endLine()
    }

    private func endLine() {
        text.append(UInt8(ascii: "\n"))
        if text.bytes.count > 1 << 16 { flush() }
    }

    func flush() {
        FileHandle.standardOutput.write(Data(text.bytes))
        text.bytes.removeAll(keepingCapacity: true)
    }
}
