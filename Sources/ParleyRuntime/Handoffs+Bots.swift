import ParleyJSON
import ParleyPolicy

/// One bot hands a conversation to another (`hand_off`, or a router that answers with data):
/// the new owner hears who handed over, the data, and the message being answered.
struct HandOff {
    let contact: ContactID
    /// The receiving bot's name.
    let to: String
    /// `bot:refill`, `macro:reassign`, `router:main`.
    let from: String
    let note: String?
    let data: JSONValue
}

extension Handoffs {
    /// Gives the conversation to `handOff.to` and lets it take over: its `on_handoff(conv,
    /// handoff)` with `{ from, note, data, msg }`, or, without one, its `on_message` with
    /// the message being answered.
    func handOff(_ handOff: HandOff) throws {
        let calls = runtime.calls!
        calls.handOffs += 1
        try runtime.update(handOff.contact) { c in
            if c.owner.isHuman {  // a macro gives a person's conversation to a bot
                c.handoff = nil
                c.botBeforeHandoff = nil
            }
            c.owner = .bot(handOff.to)
            c.notUnderstoodStreak = 0
        }
        var r = Records.fields("handed_off", at: now, [("to", .string(handOff.contact.description)), ("from", .string(handOff.from)),
                                                       ("owner", .string("bot:\(handOff.to)"))])
        r.add("note", handOff.note)
        runtime.record(r)
        guard let bot = scripts.bots[handOff.to] else { return }
        let message = calls.message
        if bot.definition.has("on_handoff") {
            var info: [String: JSONValue] = ["from": .string(handOff.from), "data": handOff.data]
            if let note = handOff.note { info["note"] = .string(note) }
            if let message { info["msg"] = message.value }
            try calls.call(bot, "on_handoff", on: handOff.contact, arguments: [.object(info)])
        } else if let message, message.inbound.from == handOff.contact {
            try runtime.router.botTurn(handOff.to, message.inbound, message.value)
        }
        try runtime.router.scheduleWindowClosing(for: handOff.contact)
    }
}
