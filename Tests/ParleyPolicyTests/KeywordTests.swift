import Testing
@testable import ParleyPolicy

/// docs/rules.md §5 and §6: what an inbound text means to the core before any script sees it.
@Suite("Consent and escalation keywords")
struct KeywordTests {
    let keywords = Keywords()

    @Test("an inbound that is exactly an opt-out keyword stops marketing, whatever its case and surrounding whitespace",
          arguments: ["STOP", "stop", "Stop", "  stop  ", "\tSTOP\n", "UNSUBSCRIBE", "unsubscribe", "CANCEL", "PARAR",
                      "ARRÊT", "arrêt", "Arrêt", "BAJA", "退订", " 退订 ", "\u{00A0}STOP\u{00A0}"])
    func optOutKeywords(text: String) {
        #expect(keywords.meaning(of: text) == .optOut)
    }

    @Test("trailing punctuation is forgiven: STOP! and Stop. still stop marketing", arguments: ["STOP!", "Stop.", "退订。", "start!"])
    func trailingPunctuation(text: String) {
        #expect(keywords.meaning(of: text) != nil)
    }

    @Test("ARRÊT matches whether the Ê arrives composed or decomposed")
    func decomposedArret() {
        #expect(keywords.meaning(of: "ARRE\u{0302}T") == .optOut)
    }

    @Test("START and resume reverse an opt-out", arguments: ["START", "start", " Start ", "RESUME", "resume"])
    func optInKeywords(text: String) {
        #expect(keywords.meaning(of: text) == .optIn)
    }

    @Test("a keyword inside a sentence is not a keyword",
          arguments: ["stop sending me these", "please stop", "don't stop", "START the order", "STOPS", "ARRET", "退订吧"])
    func keywordInsideASentence(text: String) {
        #expect(keywords.meaning(of: text) != .optOut)
        #expect(keywords.meaning(of: text) != .optIn)
    }

    @Test("escalation keywords in a short message escalate, case-insensitively",
          arguments: ["human", "HUMAN", "Agent!", "agent please", "talk to a human", "I want a person",
                      "operator?", "Representative.", "can I get an agent"])
    func escalationKeywords(text: String) {
        #expect(keywords.meaning(of: text) == .escalate)
    }

    @Test("a long sentence that merely mentions a keyword does not escalate",
          arguments: ["I am the human resources manager and want ten chairs for the office",
                      "my travel agent booked the wrong date for the delivery of my order"])
    func longSentencesDoNotEscalate(text: String) {
        #expect(keywords.meaning(of: text) == nil)
    }

    @Test("words that only contain a keyword do not escalate", arguments: ["humane", "agents-only", "personal", "inhuman"])
    func wordsContainingAKeyword(text: String) {
        #expect(keywords.meaning(of: text) == nil)
    }

    @Test("ordinary, empty and blank messages mean nothing", arguments: ["hello", "where is my order?", "", "   ", "!!!"])
    func ordinaryMessages(text: String) {
        #expect(keywords.meaning(of: text) == nil)
    }

    @Test("the deployment's own escalation keywords count too, including phrases of several words")
    func deploymentKeywords() {
        var k = Keywords()
        k.escalation += ["atendente", "speak to someone"]
        #expect(k.meaning(of: "Atendente") == .escalate)
        #expect(k.meaning(of: "speak to someone") == .escalate)
        #expect(k.meaning(of: "Can I speak to someone?") == .escalate)
        #expect(k.meaning(of: "speak to") == nil)
        #expect(k.meaning(of: "someone") == nil)
    }

    @Test("a keyword phrase that is the whole message escalates whatever its length")
    func longKeywordPhrase() {
        var k = Keywords()
        k.escalation = ["i would like to talk to a real person now"]
        #expect(k.meaning(of: "I would like to talk to a real person now!") == .escalate)
    }

    @Test("the opt-out and opt-in lists are configurable")
    func configurableConsentKeywords() {
        var k = Keywords()
        k.optOut = ["SAIR"]
        k.optIn = ["VOLTAR"]
        #expect(k.meaning(of: "sair") == .optOut)
        #expect(k.meaning(of: "voltar") == .optIn)
        #expect(k.meaning(of: "STOP") == nil)
    }

    @Test("the phrase length for escalation is configurable")
    func configurablePhraseLength() {
        var k = Keywords()
        k.escalationPhraseWords = 1
        #expect(k.meaning(of: "human") == .escalate)
        #expect(k.meaning(of: "a human") == nil)
    }

    @Test("the policy's configuration carries the default keywords")
    func defaultsInConfig() {
        #expect(PolicyConfig().keywords == Keywords())
        #expect(PolicyConfig().notUnderstoodLimit == 2)
    }
}
