-- Values in specs: how failure messages show them, deep equality, and the failure a
-- broken assertion raises.
--
-- The spec modules keep what they use from each other in locals, taken when they load:
-- a spec that requires one of them and changes it changes nothing for the next test.

local show

local function show_table(t, depth)
  if depth > 3 then return "{...}" end
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  local parts = {}
  local is_list = #keys == #t
  for _, k in ipairs(keys) do
    local v = show(t[k], depth + 1)
    if is_list then
      parts[#parts + 1] = v
    elseif type(k) == "string" and k:match("^[%a_][%w_]*$") then
      parts[#parts + 1] = k .. " = " .. v
    else
      parts[#parts + 1] = "[" .. show(k, depth + 1) .. "] = " .. v
    end
  end
  return "{" .. table.concat(parts, ", ") .. "}"
end

-- A value as Lua source would write it: strings quoted, tables four levels deep.
show = function(v, depth)
  depth = depth or 0
  if type(v) == "string" then return string.format("%q", v) end
  if type(v) == "table" then return show_table(v, depth) end
  return tostring(v)
end

-- Deep equality, for assert.same and the table fields of records.
local function same(a, b, seen)
  if a == b then return true end
  if type(a) ~= "table" or type(b) ~= "table" then return false end
  seen = seen or {}
  if seen[a] == b then return true end
  seen[a] = b
  for k, v in pairs(a) do
    if not same(v, b[k], seen) then return false end
  end
  for k in pairs(b) do
    if a[k] == nil then return false end
  end
  return true
end

-- A failed assertion is a table, so a test's own error("...") is never mistaken for one;
-- locate() adds the spec's file and line to its message.
local function fail(message)
  error({ parley_failure = true, message = type(message) == "string" and message or show(message) }, 0)
end

local function is_failure(problem)
  return type(problem) == "table" and problem.parley_failure == true
end

-- The message of whatever a test raised: a failure's, an error's, or what it was.
local function message_of(problem)
  if type(problem) == "table" and type(problem.message) == "string" then return problem.message end
  if problem == nil then return "error(nil): the test raised an error with no message" end
  if type(problem) == "table" then return "error with a table: " .. show(problem) end
  return tostring(problem)
end

return { show = show, same = same, fail = fail, is_failure = is_failure, message_of = message_of }
