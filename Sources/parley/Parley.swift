import ArgumentParser
import ParleyDistribution

@main
struct Parley: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parley",
        abstract: "WhatsApp automation in Lua, under a policy-enforcing core.",
        discussion: """
        Scripts ask; the core decides. Every message a script, an agent or the core itself \
        wants to send is checked against the customer service window, templates, the \
        messaging limit, pacing, consent, identity and ownership, and every refusal has a \
        reason code and the upstream error code.
        """,
        version: ParleyVersion.current,
        subcommands: [Init.self, Simulate.self, Test.self, Check.self, Serve.self, Templates.self, Profile.self]
    )
}
