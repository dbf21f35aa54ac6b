import ParleyCloudAPI
import ParleyJSON
import ParleyPolicy
import Testing

@Suite("Message templates page")
struct MessageTemplatesPageTests {
    static let firstPage = #"""
        {
          "data": [
            {"name": "order_update", "language": "en_US", "status": "APPROVED", "category": "UTILITY", "id": "1",
             "components": [{"type": "BODY", "text": "Order {{1}} is {{2}}."}], "quality_score": {"score": "GREEN"}},
            {"name": "Bad Name", "language": "en_US", "status": "APPROVED", "category": "UTILITY", "id": "2",
             "components": [{"type": "BODY", "text": "Hi"}]},
            {"name": "draft", "language": "en_US", "status": "PENDING", "category": "MARKETING", "id": "3", "components": []},
            {"name": "order_update", "language": "en_US", "status": "APPROVED", "category": "UTILITY", "id": "4",
             "components": [{"type": "BODY", "text": "Again"}]},
            {"name": "order_update", "language": "pt_BR", "status": "PAUSED", "category": "UTILITY", "id": "5",
             "components": [{"type": "BODY", "text": "Pedido {{1}}."}]}
          ],
          "paging": {
            "cursors": {"before": "QVFIUmxr", "after": "QVFIUnBh"},
            "next": "https://graph.facebook.com/v23.0/102290129340398/message_templates?limit=5&after=QVFIUnBh"
          }
        }
        """#

    static let lastPage = #"""
        {"data": [{"name": "hello_world", "language": "en_US", "status": "APPROVED", "category": "UTILITY",
                   "components": [{"type": "BODY", "text": "Hello"}]}],
         "paging": {"cursors": {"before": "QVFIUnBh", "after": "QVFIUmVu"}}}
        """#

    @Test("a page with next: its templates, each bad entry set aside with its number, and where to go next")
    func withNext() throws {
        let page = try MessageTemplatesPage(body: Self.firstPage)
        #expect(page.templates.map(\.key) == [TemplateKey(name: "order_update", language: "en_US"), TemplateKey(name: "order_update", language: "pt_BR")])
        #expect(page.templates[1].status == .paused)
        #expect(page.problems.map(\.entry) == [2, 3, 4])
        #expect(page.problems[0].field == "name")
        #expect(page.problems[1].description.contains("has no BODY"))
        #expect(page.problems[2].description.contains("of entry 1; the first is kept"))
        #expect(page.nextURL?.hasSuffix("after=QVFIUnBh") == true)
        #expect(page.nextCursor == "QVFIUnBh")
        #expect(!page.isLastPage)
    }

    @Test("the last page has an after cursor but no next: there is nothing more to fetch")
    func lastPage() throws {
        let page = try MessageTemplatesPage(body: Self.lastPage)
        #expect(page.templates.count == 1 && page.problems.isEmpty)
        #expect(page.after == "QVFIUmVu" && page.before == "QVFIUnBh")
        #expect(page.nextCursor == nil && page.isLastPage)
    }

    @Test("an empty account, and a page without paging at all")
    func empty() throws {
        let page = try MessageTemplatesPage(body: #"{"data": []}"#)
        #expect(page.templates.isEmpty && page.isLastPage && page.after == nil)
    }

    @Test("a body that is not a page is refused with what it is")
    func notAPage() {
        #expect(throws: TemplatesFileError.self) { try MessageTemplatesPage(body: #"{"error": {"code": 190}}"#) }
        #expect(throws: TemplatesFileError.self) { try MessageTemplatesPage(body: "<html>") }
    }

    @Test("the page's templates are what the templates-file decoder makes of the same entries")
    func sameAsTemplatesFile() throws {
        let page = try MessageTemplatesPage(body: TemplatesFileTests.graphResponse)
        #expect(page.problems.isEmpty)
        #expect(page.templates == TemplatesFileTests.expected)
    }
}
