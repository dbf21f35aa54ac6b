import ParleyJSON
import ParleyPolicy
import ParleyRuntime
import Testing

/// `on_account(event)`: the number's standing reaches scripts (docs/scripts.md), so an admin
/// can alert or slow down before the platform cuts anything.
@Suite("The on_account hook")
struct AccountHookTests {
    /// An automation that only listens, and keeps what it heard in a log line per event.
    static let listener = #"""
        return automation {
          name = "watch",
          on_account = function(event)
            log(event.type .. " " .. tostring(event.tier or event.status or event.restricted) .. " from " .. tostring(event.previous))
          end,
        }
        """#

    func heard(_ world: World) -> [String] { world.logs.filter { $0.hasPrefix("[automation:watch]") } }

    @Test("a tier change, a status change and a restriction each reach the hook once; a repeated one does not")
    func changes() throws {
        let world = try World(scripts: ["watch.lua": Self.listener])
        world.handle(.tier(.limited(2000)))
        world.handle(.tier(.limited(2000)))
        world.handle(.numberStatus(.flagged))
        world.handle(.businessInitiatedRestriction(true, until: nil))
        #expect(heard(world) == [
            "[automation:watch] tier TIER_2K from TIER_250",
            "[automation:watch] number_status FLAGGED from CONNECTED",
            "[automation:watch] restriction true from nil",
        ])
        #expect(world.runtime.pendingWork == 0, "a hook-only automation is never scheduled")
    }

    @Test("FLAGGED drops a tier only when the deployment says so; the hook hears both changes")
    func flaggedDropsTier() throws {
        var config = RuntimeConfig()
        config.policy.flaggedDropsTier = true
        let world = try World(scripts: ["watch.lua": Self.listener], config: config)
        world.handle(.tier(.limited(10_000)))
        world.handle(.numberStatus(.flagged))
        #expect(world.runtime.store.account.tier == .limited(2000))
        #expect(heard(world).last == "[automation:watch] tier TIER_2K from TIER_10K")

        let unchanged = try World(scripts: ["watch.lua": Self.listener])
        unchanged.handle(.tier(.limited(10_000)))
        unchanged.handle(.numberStatus(.flagged))
        #expect(unchanged.runtime.store.account.tier == .limited(10_000))
    }

    @Test("a business_capability_update webhook moves the tier for every number, and the hook hears it")
    func capabilityWebhook() throws {
        let world = try World(scripts: ["watch.lua": Self.listener])
        world.simulation.apply(.webhook(["object": "whatsapp_business_account", "entry": [["id": "1", "changes": [[
            "field": "business_capability_update", "value": ["max_daily_conversations_per_business": -1],
        ]]]]]))
        #expect(world.runtime.store.account.tier == .unlimited)
        #expect(heard(world) == ["[automation:watch] tier TIER_UNLIMITED from TIER_250"])
    }

    @Test("an automation says when it runs only with a run function, and needs run or on_account")
    func loading() throws {
        #expect(throws: (any Error).self) {
            try World(scripts: ["a.lua": #"return automation { name = "a", every = "1h", on_account = function() end }"#])
        }
        #expect(throws: (any Error).self) { try World(scripts: ["a.lua": #"return automation { name = "a" }"#]) }
        _ = try World(scripts: ["a.lua": #"return automation { name = "a", every = "1h", run = function() end, on_account = function() end }"#])
    }
}
