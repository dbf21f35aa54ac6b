-- A macro agents run when an order ships. Inside the customer service window it writes
-- freely; outside, only an approved template may go out, so it falls back to one.
return macro {
  name = "shipping_update",
  description = "Tell the customer their order shipped, with its ETA.",
  params = { "order_id", "eta" },
  run = function(conv, args)
    if in_window(conv) then
      send(conv, "Good news: order " .. args.order_id .. " has shipped and should arrive " .. args.eta .. ".")
      return
    end
    local template, why = pick_template { name = "shipping_update", params = 2, to = conv }
    if not template then
      log("shipping_update: no template can go to " .. conv.contact .. ": " .. why)
      return
    end
    send(conv, { template = template, params = { args.order_id, args.eta } })
  end,
}
