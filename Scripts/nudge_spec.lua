-- The nudge automation: one reminder in the last hour of a window with the order bot.
local erin, frank = "+14155550141", "+14155550142"

describe("the nudge automation", function()
  local w
  before_each(function() w = world { start = "2026-01-05T09:20:00Z" } end)

  it("nudges once, in the window's last hour", function()
    -- It runs hourly from the world's start (09:20), and the window ends at 09:20 the next day.
    w:inbound(erin, "hello")
    w:clear()
    w:advance("2d")
    local nudges = 0
    for _, record in ipairs(w:transcript()) do
      if record.type == "sent" and record.by == "automation:nudge" then
        nudges = nudges + 1
        assert.equals("2026-01-06T08:20:00Z", record.at)
      end
    end
    assert.equals(1, nudges)
  end)

  it("leaves alone a conversation a person owns", function()
    w:inbound(frank, "I want a human")
    assert.escalated(w, { reason = "keyword" })
    w:clear()
    w:advance("2d")
    assert.nothing_sent(w)
  end)

  it("does not write once the window has closed", function()
    w:inbound(erin, "hello")
    w:advance("24h")
    w:clear()
    w:advance("3d")
    assert.nothing_sent(w)
  end)
end)
