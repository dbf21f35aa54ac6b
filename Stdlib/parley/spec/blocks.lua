-- Blocks and tests: describe, it, pending, before_each and after_each declare them as the
-- spec file loads; the runner then lists the tests and runs them one at a time.

local values = require "parley.spec.values"
local is_failure, message_of = values.is_failure, values.message_of

local host   -- the runner's functions (parley.spec binds them)

-- The tree of blocks, and the tests in the order they were declared.
local root = { name = nil, before = {}, after = {} }
local current = root
local tests = {}
local running = false       -- inside a test: it, before_each or after_each

local function full_name(block, name)
  local parts = { name }
  local b = block
  while b and b.name do
    table.insert(parts, 1, b.name)
    b = b.parent
  end
  return table.concat(parts, " › ")
end

local function check_declaration(kind, name, fn)
  if running then error(kind .. " cannot be declared inside a test; declare it at the top or in describe", 3) end
  if type(name) ~= "string" then error(kind .. " needs a name (a string) first, got " .. type(name), 3) end
  if fn ~= nil and type(fn) ~= "function" then error(kind .. " \"" .. name .. "\" needs a function", 3) end
end

local function describe(name, fn)
  check_declaration("describe", name, fn)
  local block = { name = name, parent = current, before = {}, after = {} }
  current = block
  local ok, problem = pcall(fn)
  current = block.parent
  if not ok then error(problem, 0) end
end

local function it(name, fn)
  check_declaration("it", name, fn)
  if fn == nil then error("it \"" .. name .. "\" needs a function; use pending(\"...\") for a test to write later", 2) end
  tests[#tests + 1] = { name = full_name(current, name), title = name, fn = fn, block = current }
end

local function pending(name)
  check_declaration("pending", name)
  tests[#tests + 1] = { name = full_name(current, name), title = name, pending = true, block = current }
end

local function before_each(fn)
  if type(fn) ~= "function" then error("before_each needs a function", 2) end
  table.insert(current.before, fn)
end

local function after_each(fn)
  if type(fn) ~= "function" then error("after_each needs a function", 2) end
  table.insert(current.after, fn)
end

-- Running ------------------------------------------------------------------------

local function chain_of(block)
  local chain = {}
  while block do
    table.insert(chain, 1, block)
    block = block.parent
  end
  return chain
end

-- The tests declared, for the runner: full name, own title, and whether pending.
local function list()
  local names = {}
  for i, t in ipairs(tests) do names[i] = { name = t.name, title = t.title, pending = t.pending or false } end
  return names
end

-- Runs test i: the before_each hooks from the outermost block in, the test, then the
-- after_each hooks from the innermost out, which run even after a failure.
local function run(i)
  local t = tests[i]
  if t.pending then return { status = "pending" } end
  running = true
  local chain = chain_of(t.block)
  local ok, problem = true, nil
  for _, block in ipairs(chain) do
    for _, hook in ipairs(block.before) do
      if ok then ok, problem = pcall(hook) end
    end
  end
  if ok then ok, problem = pcall(t.fn) end
  for j = #chain, 1, -1 do
    for _, hook in ipairs(chain[j].after) do
      local hook_ok, hook_problem = pcall(hook)
      if ok and not hook_ok then ok, problem = hook_ok, hook_problem end
    end
  end
  running = false
  host.finish()
  if ok then return { status = "passed" } end
  return { status = is_failure(problem) and "failed" or "error", message = message_of(problem) }
end

return {
  describe = describe, it = it, pending = pending, before_each = before_each, after_each = after_each,
  list = list, run = run,
  running = function() return running end,
  bind = function(runner) host = runner end,
}
