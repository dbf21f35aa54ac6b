-- Prices and budgets (docs/rules.md §16) on the example deployment, with the example rate
-- card of prices.toml: an example in the shape of Meta's, not Meta's current rates.
-- UK numbers: the platform delivers no marketing templates to US ones (docs/rules.md §2.9).
local erin = "+447700900141"
local fred = "+447700900142"
local gina = "+447700900143"

describe("prices", function()
  local w
  before_each(function()
    w = world { config = "prices.toml", start = "2026-01-05T09:00:00Z" }
    w:opt_in(erin)
  end)

  it("prices a coupon to the UK at the UK's marketing rate", function()
    w:macro("coupon", erin, { code = "SPRING20" })
    assert.sent(w, { template = "spring_coupon", pricing_type = "regular", cost = "0.0529", currency = "USD" })
    assert.cost(w, { category = "marketing", max = 0.06 })
    assert.equals(0.0529, w:cost().total)
  end)

  it("answers a customer from an ad for free, for 72 hours from the reply, then at the rate again", function()
    w:inbound(erin, { text = "where is 10234?", referral = { source_type = "ad", source_id = "120208" } })
    assert.sent(w, { text = "out for delivery", pricing_type = "free_entry_point" })
    w:advance("30h")                              -- the service window has closed; the free entry point has not
    w:macro("coupon", erin, { code = "SPRING20" })
    assert.sent(w, { template = "spring_coupon", pricing_type = "free_entry_point" })
    assert.cost(w, { max = 0 })                   -- the reply, the delivery check, the nudge and the coupon
    w:clear()
    w:advance("2d")
    w:macro("coupon", erin, { code = "SPRING20" })
    assert.cost(w, { min = 0.0529, max = 0.0529 })
  end)

  it("knows no cost without a price table, and says so", function()
    local plain = world { start = "2026-01-05T09:00:00Z" }
    plain:inbound(erin, "where is 10234?")
    assert.is_nil(plain:cost())
    assert.has_error(function() assert.cost(plain, { max = 1 }) end, "this world has no price table")
  end)
end)

describe("the coupon's own budget", function()
  local w
  before_each(function()
    w = world { config = "prices.toml", start = "2026-01-05T09:00:00Z" }
    for _, contact in ipairs({ erin, fred, gina }) do w:opt_in(contact) end
  end)

  it("warns once 80% of its day is spent, and then picks no coupon that would pass it", function()
    w:macro("coupon", erin, { code = "SPRING20" })
    w:macro("coupon", fred, { code = "SPRING20" })
    assert.record(w, "budget_warning", { budget = "daily", script = "coupon", spent = "0.1058", limit = "0.12" })
    w:clear()
    w:macro("coupon", gina, { code = "SPRING20" })  -- pick_template finds none within the budget
    assert.nothing_sent(w)
    w:advance { to = "2026-01-06T09:00:00Z" }       -- a new UTC day, a new budget
    w:macro("coupon", gina, { code = "SPRING20" })
    assert.sent(w, { to = gina, template = "spring_coupon" })
  end)
end)
