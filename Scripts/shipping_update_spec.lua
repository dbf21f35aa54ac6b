-- The shipping_update macro: free text inside the window, the template outside it.
local carol = "+14155550121"
local args = { order_id = "10240", eta = "tomorrow" }

describe("the shipping_update macro", function()
  local w
  before_each(function() w = world { start = "2026-01-05T09:00:00Z" } end)

  it("writes freely inside the window", function()
    w:inbound(carol, "hi")
    w:macro("shipping_update", carol, args)
    assert.sent(w, { by = "macro:shipping_update", kind = "session", text = "order 10240 has shipped" })
  end)

  it("falls back to the template outside the window", function()
    w:opt_in(carol)
    w:macro("shipping_update", carol, args)
    assert.sent(w, { kind = "template", template = "shipping_update", text = "Order 10240 is on its way" })
  end)

  it("sends nothing without an opt-in", function()
    w:macro("shipping_update", carol, args)
    assert.nothing_sent(w)
  end)

  it("waits out a paused template", function()
    w:opt_in(carol)
    w:template_status("shipping_update", "en_US", "PAUSED")
    w:macro("shipping_update", carol, args)
    assert.nothing_sent(w)
    w:advance("3h")
    w:macro("shipping_update", carol, args)
    assert.sent(w, { template = "shipping_update" })
  end)

  it("still reaches a conversation a person owns, on the agent's behalf", function()
    w:inbound(carol, "agent")
    w:clear()
    w:macro("shipping_update", carol, args)
    assert.sent(w, { by = "macro:shipping_update" })
  end)
end)
