-- Specs for the help desk bot and the router: `parley test .` runs them, each test in a
-- fresh simulated world whose clock moves only when the test says so.
local ana = "+1 212 555 0123"

describe("the help desk bot", function()
  local w
  before_each(function()
    w = world { start = "2026-01-05T15:00:00Z" }   -- a Monday, 10:00 in New York: support is in
  end)

  it("answers a question it knows", function()
    w:inbound(ana, "When are you open?")
    assert.sent(w, { to = ana, by = "bot:helpdesk", text = "Monday to Friday" })
  end)

  it("shows its menu when greeted", function()
    w:inbound(ana, "Hello!")
    assert.sent(w, { by = "bot:helpdesk", text = "help desk assistant" })
  end)

  it("follows up the next day while the customer is still talking", function()
    w:inbound(ana, "what are your hours?")
    w:advance("23h")
    w:inbound(ana, "thanks")
    w:clear()
    w:advance("1h")
    assert.sent(w, { kind = "session", text = "Did that answer your question?" })
  end)

  it("sends the follow_up template once the window has closed, to a customer who opted in", function()
    w:opt_in(ana)
    w:inbound(ana, "what are your hours?")
    w:clear()
    w:advance("1d")
    assert.sent(w, { kind = "template", template = "follow_up" })
  end)

  describe("escalation", function()
    it("hands off when the customer asks for a person", function()
      w:inbound(ana, "agent")
      assert.escalated(w, { queue = "support", reason = "keyword", bot = "helpdesk" })
      assert.sent(w, { by = "core", text = "Connecting you with a person" })
    end)

    it("hands off from the menu", function()
      w:inbound(ana, { reply = { id = "team", title = "Ask our team" } })
      assert.escalated(w, { queue = "support", reason = "menu" })
    end)

    it("hands off after two messages it did not understand", function()
      w:inbound(ana, "my parcel is wet")
      w:inbound(ana, "it is all wet")
      assert.escalated(w, { reason = "not_understood" })
      assert.equals("human:support", w:conversation(ana).owner)
    end)

    it("gives the phone and e-mail route when the team is away", function()
      w:advance { to = "2026-01-10T15:00:00Z" }   -- Saturday
      w:inbound(ana, "agent")
      assert.sent(w, { by = "core", text = "Call +1 212 555 0100" })
    end)

    it("stays quiet while a person owns the conversation, and comes back on release", function()
      w:inbound(ana, "agent")
      w:clear()
      w:inbound(ana, "hello?")
      assert.nothing_sent(w)
      w:release(ana, "answered")
      assert.sent(w, { by = "bot:helpdesk", text = "back with the help desk" })
    end)
  end)
end)

describe("the router", function()
  local w
  before_each(function() w = world { start = "2026-01-05T15:00:00Z" } end)

  it("gives ordinary questions to the help desk bot", function()
    w:inbound(ana, "hi")
    assert.equals("bot:helpdesk", w:conversation(ana).owner)
  end)

  it("sends billing questions straight to the billing team", function()
    w:inbound(ana, "I need a refund")
    assert.escalated(w, { queue = "billing" })
  end)
end)
