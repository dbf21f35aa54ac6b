-- The apology_credit macro: a free-form apology, which only the window allows.
local dave = "+14155550131"

describe("the apology_credit macro", function()
  local w
  before_each(function() w = world { start = "2026-01-05T09:00:00Z" } end)

  it("sends the credit code inside the window", function()
    w:inbound(dave, "my order was late")
    w:macro("apology_credit", dave, { code = "SORRY-10" })
    assert.sent(w, { by = "macro:apology_credit", text = "SORRY%-10" })
  end)

  it("works on a conversation a person has taken over", function()
    w:inbound(dave, "agent")
    assert.escalated(w, { bot = "orders" })
    w:macro("apology_credit", dave, { code = "SORRY-10" })
    assert.sent(w, { by = "macro:apology_credit" })
  end)

  it("is refused once the window has closed, at exactly 24 hours", function()
    w:inbound(dave, "agent")
    w:advance("24h")
    w:clear()
    w:macro("apology_credit", dave, { code = "SORRY-20" })
    assert.blocked(w, { reason = "outside_window", by = "macro:apology_credit" })
    assert.nothing_sent(w)
  end)
end)
