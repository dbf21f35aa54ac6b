-- The order bot: what it answers, when it hands off, and what it may still send once the
-- customer's 24-hour window has closed.
local alice = "+1 415 555 0101"

describe("the order bot", function()
  local w
  before_each(function()
    w = world { start = "2026-01-05T09:00:00Z" }   -- a Monday morning: the orders team is in
  end)

  describe("happy path", function()
    it("shows the menu when greeted", function()
      w:inbound(alice, "Hello!")
      assert.sent(w, { to = alice, by = "bot:orders", text = "order assistant" })
    end)

    it("tracks an order by its number", function()
      w:inbound(alice, "where is 10234?")
      assert.sent(w, { text = "out for delivery with FastShip" })
      assert.equals("10234", w:conversation(alice).state.last_order)
    end)

    it("asks for the number after the Track button", function()
      w:inbound(alice, { reply = { id = "track", title = "Track an order" } })
      assert.sent(w, { text = "What is your order number" })
    end)

    it("follows up the next day while the customer is still talking", function()
      w:inbound(alice, "10234")
      w:advance("23h")
      w:inbound(alice, "still waiting")
      w:clear()
      w:advance("1h")
      assert.sent(w, { text = "Did order 10234 arrive?", kind = "session" })
    end)
  end)

  describe("escalation", function()
    it("hands off when the customer asks for a person", function()
      w:inbound(alice, "I want a human")
      assert.escalated(w, { queue = "orders-team", reason = "keyword", bot = "orders" })
      assert.sent(w, { by = "core", text = "Connecting you with a person" })
    end)

    it("hands off after two turns it did not understand", function()
      w:inbound(alice, "the box is wet")
      assert.falsy(w:conversation(alice).owner == "human:orders-team")
      w:inbound(alice, "it's all wet")
      assert.escalated(w, { reason = "not_understood" })
      assert.equals("human:orders-team", w:conversation(alice).owner)
    end)

    it("gives the phone and e-mail route when the team is away", function()
      w:advance { to = "2026-01-10T12:00:00Z" }   -- Saturday
      w:inbound(alice, "agent")
      assert.sent(w, { by = "core", text = "Call +1 415 555 0100" })
    end)

    it("stays quiet while a person owns the conversation, and comes back on release", function()
      w:inbound(alice, "agent")
      w:clear()
      w:inbound(alice, "10234")
      assert.nothing_sent(w)
      w:release(alice, "address fixed")
      assert.sent(w, { by = "bot:orders", text = "back with the order assistant" })
    end)
  end)

  describe("after the window closes", function()
    it("sends the order_update template to a customer who opted in", function()
      w:opt_in(alice)
      w:inbound(alice, "10234")
      w:clear()
      w:advance("1d")   -- the follow-up falls due exactly as the window closes
      assert.sent(w, { kind = "template", template = "order_update", text = "Update on order 10234" })
    end)

    it("sends no template to a customer who never opted in", function()
      w:inbound(alice, "10234")
      w:clear()
      w:advance("1d")
      assert.not_sent(w, { by = "bot:orders" })
    end)

    it("cannot reply free-form any more", function()
      w:inbound(alice, "hi")
      w:advance("25h")
      w:agent_reply(alice, "Are you still there?")
      assert.blocked(w, { reason = "outside_window", code = 131047 })
    end)
  end)
end)
