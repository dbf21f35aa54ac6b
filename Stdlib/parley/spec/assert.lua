-- The assert global: the plain assertions, those on a world's transcript
-- (parley.spec.records), and assert(value, message) itself.

local values = require "parley.spec.values"
local records = require "parley.spec.records"
local show, same, fail, message_of = values.show, values.same, values.fail, values.message_of

local assert = {}

for name, fn in pairs(records.assertions) do assert[name] = fn end

function assert.equals(expected, actual, message)
  if expected ~= actual then
    fail((message and (message .. ": ") or "") .. "expected " .. show(expected) .. ", got " .. show(actual))
  end
end

function assert.same(expected, actual, message)
  if not same(expected, actual) then
    fail((message and (message .. ": ") or "") .. "expected the same as " .. show(expected) .. ", got " .. show(actual))
  end
end

function assert.truthy(value, message)
  if not value then fail(message or ("expected a truthy value, got " .. show(value))) end
end

function assert.falsy(value, message)
  if value then fail(message or ("expected a falsy value, got " .. show(value))) end
end

function assert.is_nil(value, message)
  if value ~= nil then fail(message or ("expected nil, got " .. show(value))) end
end

function assert.not_nil(value, message)
  if value == nil then fail(message or "expected a value, got nil") end
end

--- assert.has_error(fn [, text]): fn must raise; with text, its message must contain it.
function assert.has_error(fn, expected)
  if type(fn) ~= "function" then fail("assert.has_error takes a function") end
  local ok, problem = pcall(fn)
  if ok then fail("expected an error" .. (expected and (" containing " .. show(expected)) or "") .. ", but the function returned") end
  if expected ~= nil and not message_of(problem):find(expected, 1, true) then
    fail("expected an error containing " .. show(expected) .. ", got " .. show(message_of(problem)))
  end
end

-- assert(value, message) works as Lua's own, as a failed assertion.
local function check(_, value, message, ...)
  if not value then fail(message or "assertion failed!") end
  return value, message, ...
end

-- The assert global, each assertion wrapped by locate so its failure names the spec's
-- line. A spec cannot replace an assertion: one test's `assert.equals = ...` would pass
-- the next.
local function global(locate)
  local located = {}
  for name, fn in pairs(assert) do located[name] = locate(fn) end
  return setmetatable({}, {
    __index = located,
    __newindex = function(_, key)
      error("assert." .. tostring(key) .. " belongs to the spec library and cannot be replaced", 2)
    end,
    __call = locate(check),
  })
end

return { global = global }
