-- The router: billing questions go to the billing team, everything else to the order bot.
local bob = "+14155550112"

describe("the router", function()
  local w
  before_each(function() w = world { start = "2026-01-05T09:00:00Z" } end)

  it("gives ordinary questions to the order bot", function()
    w:inbound(bob, "Hi, where is my order?")
    assert.equals("bot:orders", w:conversation(bob).owner)
    assert.sent(w, { by = "bot:orders" })
  end)

  it("sends billing questions straight to the billing team", function()
    w:inbound(bob, "I was charged twice, I need a refund")
    assert.escalated(w, { queue = "billing" })
    assert.equals("human:billing", w:conversation(bob).owner)
  end)

  it("routes a keyword first, then escalates to that bot's queue", function()
    w:inbound(bob, "agent")
    assert.escalated(w, { queue = "orders-team", reason = "keyword", bot = "orders" })
  end)

  it("tells billing customers how to write when the team is away", function()
    w:advance { to = "2026-01-10T11:00:00Z" }   -- Saturday
    w:inbound(bob, "invoice please")
    assert.sent(w, { by = "core", text = "help@example.com" })
  end)

  it("keeps a returning customer with the order bot", function()
    w:inbound(bob, "hi")
    w:advance("2d")
    w:clear()
    w:inbound(bob, "hello again")
    assert.sent(w, { by = "bot:orders", text = "order assistant" })
  end)
end)
