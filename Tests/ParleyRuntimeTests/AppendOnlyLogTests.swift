import ParleyRuntime
import Testing

/// The list the audit trail and a simulation's sent messages are kept in: it must read
/// like an array across the chunks it is kept in.
@Suite("AppendOnlyLog")
struct AppendOnlyLogTests {
    @Test("reads back what was appended, in order, across chunks")
    func readsBackInOrder() {
        var log = AppendOnlyLog<String>()
        #expect(log.isEmpty && log.first == nil)
        for i in 0..<2_500 { log.append("m\(i)") }
        #expect(log.count == 2_500)
        #expect(Array(log) == (0..<2_500).map { "m\($0)" })
        #expect(log[1_023] == "m1023" && log[1_024] == "m1024" && log[2_499] == "m2499")
        #expect(log.last(where: { $0.hasSuffix("99") }) == "m2499")
        #expect(log.first == "m0" && log.last == "m2499")
    }

    @Test("a copy does not change with the original")
    func copiesAreValues() {
        var log = AppendOnlyLog<Int>()
        (0..<1_030).forEach { log.append($0) }
        let copy = log
        log.append(1_030)
        #expect(copy.count == 1_030 && log.count == 1_031)
        #expect(copy.last == 1_029)
    }
}
