import Testing
@testable import ParleyPolicy

/// docs/rules.md §2, lifecycle: quality RED → first pause 3 h, second pause 6 h, third time
/// DISABLED; the catalog follows the platform's status webhooks.
@Suite("Template pauses and lifecycle")
struct TemplateLifecycleTests {
    let key = Fixture.orderUpdate.key
    let pauses = PolicyConfig().templatePauses
    let outside = t0.plus(days: 2)

    func world(_ change: (inout TemplateCatalog) -> Void) -> World {
        var w = World()
        change(&w.catalog)
        return w
    }

    @Test("the default pauses are 3 h then 6 h")
    func defaultPauses() {
        #expect(pauses == [.hours(3), .hours(6)])
    }

    @Test("the first pause lasts 3 h: refused 1 ms before, usable again exactly 3 h later without any webhook")
    func firstPauseLastsThreeHours() {
        let w = world { $0.apply(status: .paused, to: key, at: outside, pauses: pauses) }
        let early = w.decide(orderUpdate, at: outside.plus(hours: 3) - .milliseconds(1))
        #expect(early.reason == .templatePaused)
        #expect(early.code == 132015)
        #expect(w.decide(orderUpdate, at: outside.plus(hours: 3)).isAllowed)
    }

    @Test("a template that arrives PAUSED is timed as its next pause from then: it does not stay paused for ever")
    func arrivedPaused() {
        let w = world {
            $0[key]?.status = .paused
            $0.timePauses(at: outside, pauses: pauses)
        }
        #expect(w.catalog[key]?.pauseCount == 1)
        #expect(w.catalog[key]?.pausedUntil == outside.plus(hours: 3))
        #expect(w.decide(orderUpdate, at: outside.plus(hours: 3)).isAllowed)
    }

    @Test("the second pause lasts 6 h")
    func secondPauseLastsSixHours() {
        let second = outside.plus(days: 1)
        let w = world {
            $0.apply(status: .paused, to: key, at: outside, pauses: pauses)
            $0.apply(status: .paused, to: key, at: second, pauses: pauses)
        }
        #expect(w.catalog[key]?.pauseCount == 2)
        #expect(w.catalog[key]?.pausedUntil == second.plus(hours: 6))
        #expect(w.decide(orderUpdate, at: second.plus(hours: 6) - .milliseconds(1)).reason == .templatePaused)
        #expect(w.decide(orderUpdate, at: second.plus(hours: 6)).isAllowed)
    }

    @Test("the third pause disables the template for good: template_disabled / 132016")
    func thirdPauseDisables() {
        let w = world {
            $0.apply(status: .paused, to: key, at: outside, pauses: pauses)
            $0.apply(status: .paused, to: key, at: outside.plus(days: 1), pauses: pauses)
            let third = $0.apply(status: .paused, to: key, at: outside.plus(days: 2), pauses: pauses)
            #expect(third?.status == .disabled)
            #expect(third?.pausedUntil == nil)
        }
        let d = w.decide(orderUpdate, at: outside.plus(days: 2, hours: 6))
        #expect(d.reason == .templateDisabled)
        #expect(d.code == 132016)
        #expect(w.decide(orderUpdate, at: outside.plus(days: 400)).reason == .templateDisabled)
    }

    @Test("a repeated notice of the same pause is not another pause")
    func duplicatePauseNotice() {
        let w = world {
            $0.apply(status: .paused, to: key, at: outside, pauses: pauses)
            $0.apply(status: .paused, to: key, at: outside.plus(hours: 1), pauses: pauses)
        }
        #expect(w.catalog[key]?.pauseCount == 1)
        #expect(w.catalog[key]?.pausedUntil == outside.plus(hours: 3))
    }

    @Test("APPROVED after a pause unpauses at once, and the pause still counts toward the next one")
    func approvedAfterPause() {
        let w = world {
            $0.apply(status: .paused, to: key, at: outside, pauses: pauses)
            $0.apply(status: .approved, to: key, at: outside.plus(hours: 1), pauses: pauses)
        }
        #expect(w.decide(orderUpdate, at: outside.plus(hours: 1)).isAllowed)
        var c = w.catalog
        let next = c.apply(status: .paused, to: key, at: outside.plus(hours: 2), pauses: pauses)
        #expect(next?.pausedUntil == outside.plus(hours: 8))  // the second pause: 6 h
    }

    @Test("a template that came PAUSED without an end stays paused until the platform approves it")
    func pausedWithoutEnd() {
        let w = world { $0[key]?.status = .paused }
        #expect(w.decide(orderUpdate, at: outside.plus(days: 30)).reason == .templatePaused)
        var c = w.catalog
        c.apply(status: .approved, to: key, at: outside, pauses: pauses)
        #expect(c[key]?.status(at: outside) == .approved)
    }

    @Test("DISABLED is for good: a later (stale or reordered) APPROVED or PAUSED does not bring it back")
    func disabledIsTerminal() {
        let w = world {
            $0.apply(status: .disabled, to: key, at: outside, pauses: pauses)
            $0.apply(status: .approved, to: key, at: outside.plus(hours: 1), pauses: pauses)
            $0.apply(status: .paused, to: key, at: outside.plus(hours: 2), pauses: pauses)
        }
        #expect(w.catalog[key]?.status == .disabled)
        #expect(w.decide(orderUpdate, at: outside.plus(days: 1)).reason == .templateDisabled)
    }

    @Test("a template made again after it was disabled comes back through the template sync, not a status webhook")
    func remadeTemplate() {
        var c = TemplateCatalog(Fixture.all)
        c.apply(status: .disabled, to: key, at: t0, pauses: pauses)
        c[key] = Fixture.orderUpdate  // what the sync writes for the new, approved template
        #expect(c[key]?.status(at: t0) == .approved)
    }

    @Test("the pause lengths are configurable, and their count sets how many pauses come before DISABLED")
    func configurablePauses() {
        var c = TemplateCatalog(Fixture.all)
        let one = [Span.minutes(30)]
        let first = c.apply(status: .paused, to: key, at: t0, pauses: one)
        let second = c.apply(status: .paused, to: key, at: t0.plus(hours: 1), pauses: one)
        #expect(first?.pausedUntil == t0.plus(minutes: 30))
        #expect(second?.status == .disabled)
    }

    @Test("status(at:) turns an expired pause back into APPROVED")
    func statusAtInstant() {
        let t = Template(name: "x", language: "en_US", category: .utility, status: .paused, body: "x",
                         pauseCount: 1, pausedUntil: t0.plus(hours: 3))
        #expect(t.status(at: t0.plus(hours: 2)) == .paused)
        #expect(t.status(at: t0.plus(hours: 3)) == .approved)
    }

    @Test("a webhook for a template the catalog lacks changes nothing")
    func unknownTemplateWebhook() {
        var c = TemplateCatalog(Fixture.all)
        let ghost = TemplateKey(name: "ghost", language: "en_US")
        let results = [
            c.apply(status: .paused, to: ghost, at: t0, pauses: pauses),
            c.apply(quality: .red, to: ghost),
            c.apply(category: .marketing, to: ghost),
        ]
        #expect(results == [nil, nil, nil])
        #expect(c == TemplateCatalog(Fixture.all))
    }

    @Test("quality updates are followed but do not pause by themselves: the platform's PAUSED status does")
    func qualityRedDoesNotPauseByItself() {
        var c = TemplateCatalog(Fixture.all)
        let updated = c.apply(quality: .red, to: key)
        #expect(updated?.quality == .red)
        #expect(c[key]?.status(at: t0) == .approved)
    }

    @Test("the catalog lists its templates sorted by name and language, and the languages of a name")
    func catalogListing() {
        let c = TemplateCatalog(Fixture.all)
        #expect(c.count == Fixture.all.count)
        #expect(c.templates.map(\.key) == c.templates.map(\.key).sorted())
        #expect(c.languages(of: "order_update") == ["en_US", "pt_BR"])
        #expect(c.languages(of: "nope").isEmpty)
    }
}
