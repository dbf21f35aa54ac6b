-- A macro an app's backend runs (through the agent API) to send a one-time password: an
-- authentication template with a copy-code button. `code` puts the password in the body
-- and on the button, as the platform wants it in both.
return macro {
  name = "verify",
  description = "Send a one-time password with a copy-code button.",
  params = { "code" },
  run = function(conv, args)
    local result = send(conv, { template = "verify_code", code = args.code })
    if not result.ok then log("verify not sent: " .. result.reason .. " (" .. result.detail .. ")") end
  end,
}
