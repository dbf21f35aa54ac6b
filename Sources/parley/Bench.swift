import ArgumentParser

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Measure the runtime's speed and memory and print the figures.")

    func run() throws {
        print("bench: not yet")
    }
}
