import Testing
@testable import ParleyPolicy

/// docs/rules.md §8: shape limits checked before sending; a violation names its field.
@Suite("Message shapes")
struct MessageShapeTests {
    let world = World()
    let inside = t0.plus(hours: 1)

    func verdict(_ message: OutboundMessage) -> Decision { world.decide(message, at: inside) }

    func expectRefused(_ message: OutboundMessage, naming field: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let d = verdict(message)
        #expect(d.reason == .invalidMessage, sourceLocation: sourceLocation)
        #expect(d.code == 131009, sourceLocation: sourceLocation)
        #expect(d.detail.contains(field), "detail: \(d.detail)", sourceLocation: sourceLocation)
    }

    func buttons(_ titles: [String], body: String = "Pick one", header: String? = nil, footer: String? = nil) -> OutboundMessage {
        .buttons(Interactive(body: body, header: header, footer: footer),
                 titles.enumerated().map { ReplyButton(id: "b\($0.offset)", title: $0.element) })
    }

    func list(_ sections: [ListMenu.Section], button: String = "Choose", body: String = "Pick a slot") -> OutboundMessage {
        .list(Interactive(body: body), ListMenu(button: button, sections: sections))
    }

    func rows(_ n: Int, from start: Int = 0) -> [ListMenu.Row] {
        (start..<start + n).map { ListMenu.Row(id: "r\($0)", title: "Row \($0)") }
    }

    // MARK: text

    @Test("text of 4,096 characters goes out; 4,097 is invalid_message naming text")
    func textLength() {
        #expect(verdict(.text(.of(4096))).isAllowed)
        expectRefused(.text(.of(4097)), naming: "text is 4097 characters")
    }

    @Test("empty text is invalid")
    func emptyText() {
        expectRefused(.text(""), naming: "text is empty")
    }

    @Test("text length counts characters as people see them")
    func textCountsCharacters() {
        #expect(verdict(.text(.of(4096, "👨‍👩‍👧"))).isAllowed)
    }

    // MARK: reply buttons

    @Test("3 reply buttons go out; 4 are refused naming buttons")
    func buttonCount() {
        #expect(verdict(buttons(["Yes", "No", "Maybe"])).isAllowed)
        expectRefused(buttons(["Yes", "No", "Maybe", "Later"]), naming: "buttons has 4 buttons")
        expectRefused(buttons([]), naming: "buttons is empty")
    }

    @Test("duplicate button titles are refused naming the repeated button")
    func duplicateTitles() {
        expectRefused(buttons(["Yes", "No", "Yes"]), naming: "buttons[3].title \"Yes\" repeats")
    }

    @Test("duplicate button ids are refused")
    func duplicateIDs() {
        let m = OutboundMessage.buttons(Interactive(body: "x"), [ReplyButton(id: "a", title: "One"), ReplyButton(id: "a", title: "Two")])
        expectRefused(m, naming: "buttons[2].id \"a\" repeats")
    }

    @Test("a button title of 20 characters fits; 21 is refused naming that button")
    func buttonTitleLength() {
        #expect(verdict(buttons(["ok", .of(20)])).isAllowed)
        expectRefused(buttons(["ok", .of(21)]), naming: "buttons[2].title is 21 characters")
        expectRefused(buttons(["ok", ""]), naming: "buttons[2].title is empty")
    }

    @Test("a button id of 256 characters fits; 257 is refused")
    func buttonIDLength() {
        #expect(verdict(.buttons(Interactive(body: "x"), [ReplyButton(id: .of(256), title: "ok")])).isAllowed)
        expectRefused(.buttons(Interactive(body: "x"), [ReplyButton(id: .of(257), title: "ok")]), naming: "buttons[1].id is 257")
        expectRefused(.buttons(Interactive(body: "x"), [ReplyButton(id: "", title: "ok")]), naming: "buttons[1].id is empty")
    }

    @Test("an interactive body of 1,024 fits; 1,025 is refused naming text")
    func interactiveBodyLength() {
        #expect(verdict(buttons(["ok"], body: .of(1024))).isAllowed)
        expectRefused(buttons(["ok"], body: .of(1025)), naming: "text is 1025 characters")
        expectRefused(buttons(["ok"], body: ""), naming: "text (the body) is empty")
    }

    @Test("header and footer of 60 fit; 61 is refused naming header or footer")
    func headerAndFooterLength() {
        #expect(verdict(buttons(["ok"], header: .of(60), footer: .of(60))).isAllowed)
        expectRefused(buttons(["ok"], header: .of(61)), naming: "header is 61 characters")
        expectRefused(buttons(["ok"], footer: .of(61)), naming: "footer is 61 characters")
    }

    // MARK: lists

    @Test("a list with 10 rows in all, across sections, goes out; 11 is refused")
    func listRowsInAll() {
        #expect(verdict(list([.init(title: "Morning", rows: rows(5)), .init(title: "Evening", rows: rows(5, from: 5))])).isAllowed)
        expectRefused(list([.init(title: "Morning", rows: rows(5)), .init(title: "Evening", rows: rows(6, from: 5))]),
                      naming: "list has 11 rows in all")
    }

    @Test("a list with more than 10 sections is refused")
    func listSections() {
        let eleven = (0..<11).map { ListMenu.Section(title: "S\($0)", rows: rows(1, from: $0)) }
        expectRefused(list(eleven), naming: "list has 11 sections")
        expectRefused(list([]), naming: "list.sections is empty")
        expectRefused(list([.init(rows: [])]), naming: "list has no rows")
    }

    @Test("a row title of 24 fits; 25 is refused naming the row")
    func rowTitleLength() {
        #expect(verdict(list([.init(rows: [.init(id: "a", title: .of(24))])])).isAllowed)
        expectRefused(list([.init(rows: [.init(id: "a", title: "ok"), .init(id: "b", title: .of(25))])]),
                      naming: "list.sections[1].rows[2].title is 25 characters")
    }

    @Test("a row description of 72 fits; 73 is refused naming the row")
    func rowDescriptionLength() {
        #expect(verdict(list([.init(rows: [.init(id: "a", title: "ok", description: .of(72))])])).isAllowed)
        expectRefused(list([.init(rows: [.init(id: "a", title: "ok", description: .of(73))])]),
                      naming: "list.sections[1].rows[1].description is 73 characters")
    }

    @Test("the list button label of 20 fits; 21 is refused")
    func listButtonLength() {
        #expect(verdict(list([.init(rows: rows(1))], button: .of(20))).isAllowed)
        expectRefused(list([.init(rows: rows(1))], button: .of(21)), naming: "list.button is 21 characters")
        expectRefused(list([.init(rows: rows(1))], button: ""), naming: "list.button is empty")
    }

    @Test("a list body may be 4,096 characters; 4,097 is refused")
    func listBodyLength() {
        #expect(verdict(list([.init(rows: rows(1))], body: .of(4096))).isAllowed)
        expectRefused(list([.init(rows: rows(1))], body: .of(4097)), naming: "text is 4097 characters")
    }

    @Test("with several sections each needs a title; row ids are unique across the list")
    func sectionTitlesAndRowIDs() {
        expectRefused(list([.init(title: "A", rows: rows(1)), .init(rows: rows(1, from: 1))]), naming: "list.sections[2].title is missing")
        expectRefused(list([.init(title: "A", rows: rows(1)), .init(title: "B", rows: rows(1))]), naming: "list.sections[2].rows[1].id \"r0\" repeats")
    }

    // MARK: media

    @Test("media needs exactly one of link or id")
    func mediaSource() {
        #expect(verdict(.media(Media(kind: .document, id: "123"))).isAllowed)
        expectRefused(.media(Media(kind: .image)), naming: "image needs exactly one of link or id")
        expectRefused(.media(Media(kind: .video, link: "https://x/v.mp4", id: "1")), naming: "video needs exactly one")
    }

    @Test("captions: none on audio or stickers; at most 1,024 characters elsewhere")
    func captions() {
        expectRefused(.media(Media(kind: .audio, id: "1", caption: "hi")), naming: "audio cannot carry a caption")
        #expect(verdict(.media(Media(kind: .image, id: "1", caption: .of(1024)))).isAllowed)
        expectRefused(.media(Media(kind: .image, id: "1", caption: .of(1025))), naming: "image.caption is 1025 characters")
    }

    // MARK: order and configuration

    @Test("the shape is checked before the window: a malformed message outside it is invalid_message")
    func shapeBeforeWindow() {
        #expect(world.decide(.text(.of(5000)), at: t0.plus(days: 2)).reason == .invalidMessage)
    }

    @Test("the shape limits are configurable")
    func configurableLimits() {
        var w = world
        w.policy = Policy({ var c = PolicyConfig(); c.shape.textBody = 10; c.shape.replyButtons = 1; return c }())
        #expect(w.decide(.text(.of(11)), at: inside).reason == .invalidMessage)
        #expect(w.decide(buttons(["a", "b"]), at: inside).reason == .invalidMessage)
    }

    @Test("templates are not shape-checked here but against their catalog entry")
    func templatesSkipShape() {
        #expect(MessageShape.violation(of: orderUpdate, limits: ShapeLimits()) == nil)
    }
}
