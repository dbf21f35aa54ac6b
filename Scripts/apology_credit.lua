-- A macro agents run to apologise with a store credit code. It writes free-form text,
-- so outside the window the core refuses it (outside_window), and the agent sees why.
return macro {
  name = "apology_credit",
  description = "Apologise and give the customer a credit code.",
  params = { "code" },
  run = function(conv, args)
    local result = send(conv, "We're sorry for the trouble. Here is a credit for your next order: " .. args.code)
    if not result.ok then
      log("apology_credit not sent: " .. result.reason .. " (" .. result.detail .. ")")
    end
  end,
}
