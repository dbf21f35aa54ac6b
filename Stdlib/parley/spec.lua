-- Specs for Parley scripts, busted-style: describe, it, before_each, after_each, pending,
-- assert, and world{...}: a fresh simulated world per test, driven with the events of a
-- scenario and checked with policy-aware assertions.
--
-- `parley test` loads this module for each spec file, binds it to the host's worlds, and
-- runs the tests one by one. The pieces live in parley/spec/:
--   values   how messages show values, deep equality, failures
--   blocks   describe, it, pending and the hooks; running a test
--   world    world{...} and its events
--   records  the assertions on a world's transcript
--   assert   the assert global

local blocks = require "parley.spec.blocks"
local world = require "parley.spec.world"
local records = require "parley.spec.records"
local assert = require "parley.spec.assert"

local M = {}

-- Binds the modules to the runner (the host's functions: new, event, records, lines,
-- cost, info, now, contact, schema, finish, controls) and makes the spec globals; locate wraps a
-- function so its errors name the caller's line.
function M.install(runner, locate, globals)
  blocks.bind(runner)
  world.bind(runner, locate)
  records.bind(runner)
  globals.describe = locate(blocks.describe)
  globals.it = locate(blocks.it)
  globals.pending = locate(blocks.pending)
  globals.before_each = locate(blocks.before_each)
  globals.after_each = locate(blocks.after_each)
  globals.world = locate(world.world)
  globals.assert = assert.global(locate)
  runner.controls(blocks.list, blocks.run)
end

return M
