-- The coupon and verify macros: templates sent whole, header and buttons included.
-- A UK number: the platform delivers no marketing templates to US ones (docs/rules.md §2.9).
local erin = "+447700900141"

describe("the coupon macro", function()
  local w
  before_each(function()
    w = world { start = "2026-01-05T09:00:00Z" }
    w:opt_in(erin)
  end)

  it("sends the coupon with its image, its shop link and its stop button", function()
    w:macro("coupon", erin, { code = "SPRING20" })
    assert.sent(w, {
      template = "spring_coupon",
      text = "code SPRING20 takes 20%% off",
      image = { link = "https://cdn.example.com/spring.jpg" },
      buttons = { { index = 1, url = "SPRING20" }, { index = 2, payload = "stop_promotions" } },
    })
  end)

  it("sends nothing to a contact who wrote STOP", function()
    w:inbound(erin, "STOP")
    w:clear()
    w:macro("coupon", erin, { code = "SPRING20" })
    assert.nothing_sent(w)
  end)
end)

describe("the verify macro", function()
  local w
  before_each(function() w = world { start = "2026-01-05T09:00:00Z" } end)

  it("puts the password in the body and on the copy-code button", function()
    w:opt_in(erin)
    w:macro("verify", erin, { code = "482913" })
    assert.sent(w, { template = "verify_code", text = "^%*482913%* is your verification code", buttons = { { index = 1, code = "482913" } } })
  end)

  it("is refused outside the window without an opt-in", function()
    w:macro("verify", erin, { code = "482913" })
    assert.blocked(w, { reason = "no_opt_in", template = "verify_code" })
  end)
end)
