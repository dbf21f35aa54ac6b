-- The pharmacy: sessions, a hand-off between bots, pharmacists on New York time with a
-- holiday, a morning note at 08:00 local, and STOP that means stop.
local ana = "+1 212 555 0101"

describe("a refill, then a delivery a month later", function()
  it("routes each session afresh: the delivery question reaches the delivery bot", function()
    local w = world { start = "2026-03-02T14:00:00Z" }   -- a Monday, 9 am in New York
    w:inbound(ana, "please refill 123456")
    assert.sent(w, { by = "bot:refill", text = "Refill requested for prescription 123456" })
    assert.record(w, "session_ended", { reason = "done", by = "bot:refill" })
    w:advance("30d")
    w:clear()
    w:inbound(ana, "when will the driver come?")
    assert.sent(w, { by = "bot:delivery", text = "123456 goes out today" })   -- conv.state outlived the session
    assert.record(w, "routed", { owner = "bot:delivery", by = "router:front-desk" })
  end)

  it("ends a silent session after a day: the next message starts a new one", function()
    local w = world { start = "2026-03-02T14:00:00Z" }
    w:inbound(ana, "hello")                 -- not understood: the refill bot holds the session
    w:advance("2d")
    w:clear()
    w:inbound(ana, "hello again")
    assert.record(w, "session_ended", { reason = "idle" })
    assert.record(w, "session_started", { session = 2 })
    assert.not_sent(w, { by = "core" })
    assert.equals(nil, w:conversation(ana).handoff)   -- the unclear message two days ago counts for nothing
  end)
end)

describe("the refill bot hands a delivery question to the delivery bot", function()
  it("passes the prescription, and the delivery bot answers the same message", function()
    local w = world { start = "2026-03-02T14:00:00Z" }
    w:inbound(ana, "hi")
    w:inbound(ana, "can you deliver it?")
    assert.record(w, "handed_off", { from = "bot:refill", owner = "bot:delivery", note = "asked about a delivery" })
    assert.sent(w, { by = "bot:delivery", text = "which prescription is the delivery for" })
    w:inbound(ana, "654321")
    assert.sent(w, { by = "bot:delivery", text = "654321 goes out today" })
  end)
end)

describe("pharmacists", function()
  it("take medical questions, recorded with the bot's reason", function()
    local w = world { start = "2026-03-02T14:00:00Z" }
    w:inbound(ana, "is this dose safe with ibuprofen?")
    assert.escalated(w, { queue = "pharmacists", reason = "medical", bot = "refill" })
    assert.sent(w, { by = "core", text = "Connecting you with a person" })
  end)

  it("are not in on a Sunday: the contact gets the phone number instead of a promise", function()
    local w = world { start = "2026-03-08T15:00:00Z" }   -- Sunday
    w:inbound(ana, "agent")
    assert.escalated(w, { queue = "pharmacists", reason = "keyword" })
    assert.sent(w, { by = "core", text = "Call the pharmacy at %+1 212 555 0100" })
  end)

  it("are not in on Christmas Day, a weekday", function()
    local w = world { start = "2026-12-25T15:00:00Z" }   -- Friday, 10 am in New York
    w:inbound(ana, "I need a pharmacist")
    assert.escalated(w, { queue = "pharmacists", reason = "asked" })
    assert.sent(w, { by = "core", text = "not available right now" })
  end)

  it("the delivery bot's path goes to the delivery desk", function()
    local w = world { start = "2026-03-02T14:00:00Z" }
    w:inbound(ana, "where is my delivery?")
    w:inbound(ana, "agent")
    assert.escalated(w, { queue = "delivery-desk", reason = "keyword", bot = "delivery" })
  end)
end)

describe("the morning note", function()
  it("goes at 08:00 New York time, before and after the clocks change", function()
    local w = world { start = "2026-03-05T20:00:00Z" }   -- Thursday evening
    w:inbound(ana, "refill 111111")                       -- done: nobody holds the conversation
    w:advance { to = "2026-03-06T12:59:00Z" }
    assert.not_sent(w, { by = "automation:morning" })
    w:advance { to = "2026-03-06T13:00:00Z" }             -- Friday 08:00 EST
    assert.sent(w, { by = "automation:morning", text = "Good morning" })
    w:advance { to = "2026-03-08T20:00:00Z" }             -- Sunday: the clocks went forward at 2 am
    w:clear()
    w:inbound(ana, "refill 222222")
    w:advance { to = "2026-03-09T11:59:00Z" }
    assert.not_sent(w, { by = "automation:morning" })
    w:advance { to = "2026-03-09T12:00:00Z" }             -- Monday 08:00 EDT: an hour earlier in UTC
    assert.sent(w, { by = "automation:morning", text = "Good morning" })
  end)
end)

describe("STOP means stop", function()
  it("refuses business-initiated messages until START, which restores the opt-in given before", function()
    local w = world { start = "2026-03-02T14:00:00Z" }
    w:opt_in(ana)
    w:inbound(ana, "STOP")
    assert.record(w, "opted_out", { scope = "all" })
    w:advance("2d")
    w:agent_reply(ana, { template = "refill_ready", params = { "123456" } }, "maria")
    assert.blocked(w, { reason = "opted_out" })
    w:inbound(ana, "START")
    assert.record(w, "resumed", { scope = "all" })
    w:advance("2d")
    w:agent_reply(ana, { template = "refill_ready", params = { "123456" } }, "maria")
    assert.sent(w, { template = "refill_ready", by = "agent:maria" })
  end)
end)
