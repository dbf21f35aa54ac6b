-- A macro agents run to send a customer this spring's coupon: a marketing template with an
-- image header, a shop link that ends in the code, and a quick reply to stop promotions.
-- The template's header and buttons are given as send takes them; pick_template says which.
return macro {
  name = "coupon",
  description = "Send the spring coupon, with its image and a shop link for the code.",
  params = { "code" },
  run = function(conv, args)
    local template, why, detail = pick_template { name = "spring_coupon", to = conv }
    if not template then
      return log("coupon not sent to " .. conv.contact .. ": " .. why .. " (" .. detail .. ")")
    end
    -- template.needs: { header = "image", buttons = { { index = 1, type = "url", required = true }, ... } }
    send(conv, {
      template = template,
      params = { args.code },
      header = { image = { link = "https://cdn.example.com/spring.jpg" } },
      buttons = { { url = args.code }, { payload = "stop_promotions" } },
    })
  end,
}
