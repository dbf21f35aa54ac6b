-- A stand-in for the shop's order system, so the examples run anywhere.
local M = {}

local orders = {
  ["10234"] = { status = "out_for_delivery", carrier = "FastShip", eta = "today by 18:00" },
  ["10235"] = { status = "processing", eta = "Thursday" },
  ["10236"] = { status = "delivered", delivered = "Monday" },
}

function M.find(number)
  return orders[number]
end

function M.describe(order)
  if order.status == "out_for_delivery" then
    return "Your order is out for delivery with " .. order.carrier .. ", arriving " .. order.eta .. "."
  elseif order.status == "processing" then
    return "Your order is being prepared. It should ship by " .. order.eta .. "."
  else
    return "Your order was delivered on " .. order.delivered .. "."
  end
end

return M
