import ParleyJSON
import Testing

/// The parser against the cases of JSONTestSuite ("Parsing JSON is a Minefield"), written
/// here by hand and named as the suite names them: a `y_` text must be accepted, an `n_`
/// text refused, and for an `i_` text RFC 8259 leaves the choice to the parser, so each
/// says which choice Parley makes. A refusal names what is wrong and the byte where it is.
@Suite("JSON parser conformance")
struct JSONParserConformanceTests {
    /// A JSON text. Written as a Swift string, where `\xHH` stands for the raw byte HH, so
    /// a text that is not UTF-8 reads as the suite's hex dumps do.
    struct Text: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]

        init(_ name: String, _ text: String) {
            self.name = name
            var bytes: [UInt8] = []
            var rest = Substring(text)
            while let escape = rest.range(of: #"\x"#) {
                bytes += Array(rest[..<escape.lowerBound].utf8)
                let digits = rest[escape.upperBound...].prefix(2)
                bytes.append(UInt8(digits, radix: 16)!)
                rest = rest[digits.endIndex...]
            }
            self.bytes = bytes + Array(rest.utf8)
        }

        /// A text whose `\x` is meant as written.
        init(_ name: String, bytes: [UInt8]) {
            self.name = name
            self.bytes = bytes
        }

        var testDescription: String { name }
    }

    // MARK: y_: accepted

    static let acceptedTexts: [(Text, JSONValue)] = [
        (Text("y_array_arraysWithSpaces", "[[]   ]"), [[]]),
        (Text("y_array_empty-string", #"[""]"#), [""]),
        (Text("y_array_heterogeneous", #"[null, 1, "1", {}]"#), [nil, 1, "1", [:]]),
        (Text("y_array_with_1_and_newline", "[1\n]"), [1]),
        (Text("y_array_with_several_null", "[1,null,null,null,2]"), [1, nil, nil, nil, 2]),
        (Text("y_number_0e+1", "[0e+1]"), [0.0]),
        (Text("y_number_double_close_to_zero", "[-0.000000000000000000000000000000000000000000000000000000000000000000000000000001]"), [-1e-78]),
        (Text("y_number_int_with_exp", "[20e1]"), [200.0]),
        (Text("y_number_minus_zero", "[-0]"), [0]),
        (Text("y_number_negative_int", "[-123]"), [-123]),
        (Text("y_number_real_capital_e_neg_exp", "[1E-2]"), [0.01]),
        (Text("y_number_real_fraction_exponent", "[123.456e78]"), [123.456e78]),
        (Text("y_number_real_pos_exponent", "[1e+2]"), [100.0]),
        (Text("y_number_simple_real", "[123.456789]"), [123.456789]),
        (Text("y_number_int64_limits", "[-9223372036854775808, 9223372036854775807]"), [.int(.min), .int(.max)]),
        (Text("y_object_duplicated_key", #"{"a":"b","a":"c"}"#), ["a": "c"]),
        (Text("y_object_empty_key", #"{"":0}"#), ["": 0]),
        (Text("y_object_escaped_null_in_key", #"{"foo\u0000bar": 42}"#), ["foo\u{0}bar": 42]),
        (Text("y_object_extreme_numbers", #"{ "min": -1.0e+28, "max": 1.0e+28 }"#), ["min": -1.0e28, "max": 1.0e28]),
        (Text("y_object_with_newlines", "{\n\"a\": \"b\"\n}"), ["a": "b"]),
        (Text("y_string_1_2_3_bytes_UTF-8_sequences", #"["\u0060\u012a\u12AB"]"#), ["\u{60}\u{12A}\u{12AB}"]),
        (Text("y_string_accepted_surrogate_pair", #"["\uD801\udc37"]"#), ["\u{10437}"]),
        (Text("y_string_accepted_surrogate_pairs", #"["\ud83d\ude39\ud83d\udc8d"]"#), ["😹💍"]),
        (Text("y_string_allowed_escapes", #"["\"\\\/\b\f\n\r\t"]"#), ["\"\\/\u{8}\u{C}\n\r\t"]),
        (Text("y_string_backslash_and_u_escaped_zero", #"["\\u0000"]"#), [#"\u0000"#]),
        (Text("y_string_comments", #"["a/*b*/c/*d//e"]"#), ["a/*b*/c/*d//e"]),
        (Text("y_string_escaped_noncharacter", #"["\uFFFF"]"#), ["\u{FFFF}"]),
        (Text("y_string_last_surrogates_1_and_2", #"["\uDBFF\uDFFF"]"#), ["\u{10FFFF}"]),
        (Text("y_string_nonCharacterInUTF-8_U+FFFF", #"["\xEF\xBF\xBF"]"#), ["\u{FFFF}"]),
        (Text("y_string_null_escape", #"["\u0000"]"#), ["\u{0}"]),
        (Text("y_string_reservedCharacterInUTF-8_U+1BFFF", #"["\xF0\x9B\xBF\xBF"]"#), ["\u{1BFFF}"]),
        (Text("y_string_surrogates_U+1D11E_MUSICAL_SYMBOL_G_CLEF", #"["\uD834\uDd1e"]"#), ["𝄞"]),
        (Text("y_string_u+2028_line_sep", #"["\xE2\x80\xA8"]"#), ["\u{2028}"]),
        (Text("y_string_unicode_U+10FFFE_nonchar", #"["\uDBFF\uDFFE"]"#), ["\u{10FFFE}"]),
        (Text("y_string_utf8", #"["€𝄞"]"#), ["€𝄞"]),
        (Text("y_string_with_del_character", "[\"a\u{7F}a\"]"), ["a\u{7F}a"]),
        (Text("y_string_escapes_beside_utf8", #"["olá\n注文\t📦"]"#), ["olá\n注文\t📦"]),
        (Text("y_structure_lonely_negative_real", "-0.1"), -0.1),
        (Text("y_structure_lonely_string", #""asd""#), "asd"),
        (Text("y_structure_string_empty", #""""#), ""),
        (Text("y_structure_trailing_newline", "[\"a\"]\n"), ["a"]),
        (Text("y_structure_whitespace_array", " [] "), []),
        (Text("y_structure_all_whitespace", " \t\r\n[\t\r\n1 \t\r\n]\t\r\n "), [1]),
    ]

    @Test("y_: accepted, with the value it holds", arguments: Self.acceptedTexts)
    func accepted(text: Text, value: JSONValue) throws {
        #expect(try JSONValue.parse(text.bytes) == value)
    }

    // MARK: n_: refused

    static let refusedTexts: [Text] = [
        Text("n_array_1_true_without_comma", "[1 true]"),
        Text("n_array_a_invalid_utf8", #"[a\xE5]"#),
        Text("n_array_colon_instead_of_comma", #"["": 1]"#),
        Text("n_array_comma_after_close", #"[""],"#),
        Text("n_array_comma_and_number", "[,1]"),
        Text("n_array_double_comma", "[1,,2]"),
        Text("n_array_extra_close", #"["x"]]"#),
        Text("n_array_extra_comma", #"["",]"#),
        Text("n_array_incomplete", #"["x""#),
        Text("n_array_inner_array_no_comma", "[3[4]]"),
        Text("n_array_invalid_utf8", #"[\xFF]"#),
        Text("n_array_just_minus", "[-]"),
        Text("n_array_newlines_unclosed", "[\"a\",\n4\n,1,"),
        Text("n_array_spaces_vertical_tab_formfeed", #"["\x0Ba"\x0C]"#),
        Text("n_array_unclosed_with_object_inside", "[{}"),
        Text("n_incomplete_false", "[fals]"),
        Text("n_incomplete_null", "[nul]"),
        Text("n_incomplete_true", "[tru]"),
        Text("n_multidigit_number_then_00", #"123\x00"#),
        Text("n_number_+1", "[+1]"),
        Text("n_number_-01", "[-01]"),
        Text("n_number_-2.", "[-2.]"),
        Text("n_number_.2e-3", "[.2e-3]"),
        Text("n_number_0.1.2", "[0.1.2]"),
        Text("n_number_0.3e+", "[0.3e+]"),
        Text("n_number_0_capital_E", "[0E]"),
        Text("n_number_1_000", "[1 000.0]"),
        Text("n_number_1eE2", "[1eE2]"),
        Text("n_number_2.e3", "[2.e3]"),
        Text("n_number_Inf", "[Inf]"),
        Text("n_number_NaN", "[NaN]"),
        Text("n_number_U+FF11_fullwidth_digit_one", #"[\xEF\xBC\x91]"#),
        Text("n_number_hex_1_digit", "[0x1]"),
        Text("n_number_invalid+-", "[0e+-1]"),
        Text("n_number_invalid-utf-8-in-exponent", #"[1e1\xE5]"#),
        Text("n_number_minus_infinity", "[-Infinity]"),
        Text("n_number_minus_space_1", "[- 1]"),
        Text("n_number_neg_int_starting_with_zero", "[-012]"),
        Text("n_number_real_without_fractional_part", "[1.]"),
        Text("n_number_with_leading_zero", "[012]"),
        Text("n_object_bad_value", #"["x", truth]"#),
        Text("n_object_comma_instead_of_colon", #"{"x", null}"#),
        Text("n_object_double_colon", #"{"x"::"b"}"#),
        Text("n_object_emoji", "{🇨🇭}"),
        Text("n_object_key_with_single_quotes", "{key: 'value'}"),
        Text("n_object_lone_continuation_byte_in_key_and_trailing_comma", #"{"\xB9":"0",}"#),
        Text("n_object_missing_value", #"{"a":"#),
        Text("n_object_non_string_key", "{1:1}"),
        Text("n_object_non_string_key_but_huge_number_instead", "{9999E9999:1}"),
        Text("n_object_trailing_comma", #"{"id":0,}"#),
        Text("n_object_trailing_comment", #"{"a":"b"}/**/"#),
        Text("n_object_unquoted_key", #"{a: "b"}"#),
        Text("n_single_space", " "),
        Text("n_string_1_surrogate_then_escape_u1x", #"["\uD800\u1x"]"#),
        Text("n_string_accentuated_char_no_quotes", "[é]"),
        Text("n_string_backslash_00", #"["\\x00"]"#),
        Text("n_string_escape_x", bytes: Array(#"["\x00"]"#.utf8)),
        Text("n_string_escaped_emoji", #"["\🌀"]"#),
        Text("n_string_incomplete_escaped_character", #"["\u00A"]"#),
        Text("n_string_incomplete_surrogate", #"["\uD834\uDd"]"#),
        Text("n_string_invalid-utf-8-in-escape", #"["\u\xE5"]"#),
        Text("n_string_invalid_backslash_esc", #"["\a"]"#),
        Text("n_string_invalid_utf8_after_escape", #"["\\xE5"]"#),
        Text("n_string_single_quote", "['single quote']"),
        Text("n_string_start_escape_unclosed", #"["\"#),
        Text("n_string_unescaped_ctrl_char", #"["a\x00a"]"#),
        Text("n_string_unescaped_newline", "[\"new\nline\"]"),
        Text("n_string_unicode_CapitalU", #""\UA66D""#),
        Text("n_string_with_trailing_garbage", #"""x"#),
        Text("n_structure_angle_bracket_null", "[<null>]"),
        Text("n_structure_capitalized_True", "[True]"),
        Text("n_structure_close_unopened_array", "1]"),
        Text("n_structure_double_array", "[][]"),
        Text("n_structure_incomplete_UTF8_BOM", #"\xEF\xBB{}"#),
        Text("n_structure_lone-invalid-utf-8", #"\xE5"#),
        Text("n_structure_no_data", ""),
        Text("n_structure_null-byte-outside-string", #"[\x00]"#),
        Text("n_structure_object_with_comment", #"{"a":/*comment*/"b"}"#),
        Text("n_structure_open_object_open_string", #"{"a"#),
        Text("n_structure_single_eacute", #"\xE9"#),
        Text("n_structure_trailing_#", #"{"a":"b"}#{}"#),
        Text("n_structure_U+2060_word_joined", #"[\xE2\x81\xA0]"#),
        Text("n_structure_UTF8_BOM_no_data", #"\xEF\xBB\xBF"#),
        Text("n_structure_whitespace_formfeed", #"[\x0C]"#),
        Text("n_structure_100000_opening_arrays", String(repeating: "[", count: 100_000)),
    ]

    @Test("n_: refused, at a byte inside the text", arguments: Self.refusedTexts)
    func refused(text: Text) {
        let error = #expect(throws: JSONParseError.self) { try JSONValue.parse(text.bytes) }
        #expect(error.map { (0...text.bytes.count).contains($0.offset) && !$0.message.isEmpty } == true, "\(String(describing: error))")
    }

    // MARK: i_: Parley's choice

    static let choicesAccepted: [(Text, JSONValue)] = [
        (Text("i_structure_UTF-8_BOM_empty_object", #"\xEF\xBB\xBF{}"#), [:]),
        (Text("i_number_too_big_pos_int", "[100000000000000000000]"), [1e20]),
        (Text("i_number_too_big_neg_int", "[-123123123123123123123123123123]"), [-123123123123123123123123123123.0]),
        (Text("i_number_real_underflow", "[123e-10000000]"), [0.0]),
        (Text("i_number_double_huge_neg_exp", "[123.456e-789]"), [0.0]),
        // An escaped lone surrogate is no character: it becomes U+FFFD, and what follows stays.
        (Text("i_string_1st_surrogate_but_2nd_missing", #"["\uDADA"]"#), ["\u{FFFD}"]),
        (Text("i_string_1st_valid_surrogate_2nd_invalid", #"["\uD888\u1234"]"#), ["\u{FFFD}\u{1234}"]),
        (Text("i_string_incomplete_surrogate_and_escape_valid", #"["\uD800\n"]"#), ["\u{FFFD}\n"]),
        (Text("i_string_incomplete_surrogates_escape_valid", #"["\uD800\uD800\n"]"#), ["\u{FFFD}\u{FFFD}\n"]),
        (Text("i_string_inverted_surrogates_U+1D11E", #"["\uDd1e\uD834"]"#), ["\u{FFFD}\u{FFFD}"]),
        (Text("i_string_lone_second_surrogate", #"["\uDFAA"]"#), ["\u{FFFD}"]),
        (Text("i_object_key_lone_2nd_surrogate", #"{"\uDFAA":0}"#), ["\u{FFFD}": 0]),
    ]

    @Test("i_: accepted, with the value Parley reads", arguments: Self.choicesAccepted)
    func acceptedByChoice(text: Text, value: JSONValue) throws {
        #expect(try JSONValue.parse(text.bytes) == value)
    }

    @Test("i_: refused, and the error says what is wrong and where", arguments: [
        // Text must be UTF-8, inside strings too: each problem named at its first byte.
        (Text("i_string_invalid_utf-8", #"["\xFF"]"#), "invalid UTF-8: byte 0xFF is never part of UTF-8 (at byte 2)"),
        (Text("i_string_iso_latin_1", #"["\xE9"]"#), "invalid UTF-8: byte 0xE9 begins a 3-byte character that is cut short (at byte 2)"),
        (Text("i_string_lone_utf8_continuation_byte", #"["\x81"]"#), "invalid UTF-8: byte 0x81 continues a character that never began (at byte 2)"),
        (Text("i_string_truncated-utf-8", #"["\xE0\xFF"]"#), "invalid UTF-8: byte 0xE0 begins a 3-byte character that is cut short (at byte 2)"),
        (Text("i_string_UTF-8_invalid_sequence", #"["日ш\xFA"]"#), "invalid UTF-8: byte 0xFA is never part of UTF-8 (at byte 7)"),
        (Text("i_string_overlong_sequence_2_bytes", #"["\xC0\xAF"]"#), "invalid UTF-8: byte 0xC0 begins an overlong encoding (at byte 2)"),
        (Text("i_string_overlong_sequence_3_bytes", #"["\xE0\x80\xAF"]"#), "invalid UTF-8: an overlong encoding (at byte 2)"),
        (Text("i_string_overlong_sequence_6_bytes", #"["\xFC\x83\xBF\xBF\xBF\xBF"]"#), "invalid UTF-8: byte 0xFC is never part of UTF-8 (at byte 2)"),
        (Text("i_string_UTF8_surrogate_U+D800", #"["\xED\xA0\x80"]"#),
         "invalid UTF-8: an encoded UTF-16 surrogate (U+D800 to U+DFFF), which is no character (at byte 2)"),
        (Text("i_string_not_in_unicode_range", #"["\xF4\xBF\xBF\xBF"]"#), "invalid UTF-8: a code point past U+10FFFF (at byte 2)"),
        (Text("i_string_invalid_utf8_in_key", #"{"ok":1, "k\xFE":2}"#), "invalid UTF-8: byte 0xFE is never part of UTF-8 (at byte 11)"),
        (Text("i_string_invalid_utf8_after_an_escape", #"["\n\xC3"]"#), "invalid UTF-8: byte 0xC3 begins a 2-byte character that is cut short (at byte 4)"),
        (Text("i_string_utf16LE_no_BOM", #"[\x00"\x00]\x00"#), "unexpected byte 0x00: expected a value (at byte 1)"),
        (Text("i_string_UTF-16LE_with_BOM", #"\xFF\xFE[\x00]\x00"#), "unexpected byte 0xFF: expected a value (at byte 0)"),
        // A byte order mark is skipped at the very start, and nowhere else.
        (Text("i_structure_UTF-8_BOM_after_whitespace", #" \xEF\xBB\xBF{}"#), "unexpected byte 0xEF: expected a value (at byte 1)"),
        // Numbers past a float's range: JSON cannot carry infinity.
        (Text("i_number_real_pos_overflow", "[123123e100000]"), "number out of range: past what a 64-bit float holds (at byte 1)"),
        (Text("i_number_real_neg_overflow", "[-123123e100000]"), "number out of range: past what a 64-bit float holds (at byte 1)"),
        (Text("i_number_neg_int_huge_exp", "[-1e+9999]"), "number out of range: past what a 64-bit float holds (at byte 1)"),
        (Text("i_number_pos_double_huge_exp", "[1.5e+9999]"), "number out of range: past what a 64-bit float holds (at byte 1)"),
        (Text("i_number_huge_exp", "[0.4e" + String(repeating: "9", count: 300) + "]"), "number out of range: past what a 64-bit float holds (at byte 1)"),
        // Nesting deeper than 128 levels: a payload must not exhaust the stack.
        (Text("i_structure_500_nested_arrays", String(repeating: "[", count: 500) + String(repeating: "]", count: 500)),
         "nesting deeper than 128 levels (at byte 128)"),
    ])
    func refusedByChoice(text: Text, description: String) {
        let error = #expect(throws: JSONParseError.self) { try JSONValue.parse(text.bytes) }
        #expect(error?.description == description)
    }

    // MARK: What a refusal says

    @Test("a refusal names what is wrong and the byte where it is", arguments: [
        ("[1 true]", "expected ',' or ']' in an array (at byte 3)"),
        (#"{"id":0,}"#, "expected a member name in double quotes (at byte 8)"),
        (#"{"a" 1}"#, #"expected ':' after member name "a" (at byte 5)"#),
        ("[-]", "invalid number: a digit must follow '-' (at byte 2)"),
        ("[-012]", "invalid number: no digit may follow a leading 0 (at byte 3)"),
        ("[1.]", "invalid number: digits must follow '.' (at byte 3)"),
        ("[1e+]", "invalid number: digits must follow the exponent (at byte 4)"),
        ("[tru]", "invalid literal: expected 'true' (at byte 1)"),
        ("[*]", "unexpected character '*': expected a value (at byte 1)"),
        (#"{"a":"b"}#"#, "unexpected character '#' after the JSON value (at byte 9)"),
        (#"["a"#, "unterminated string (at byte 3)"),
        ("[\"tab\there\"]", "control character 0x09 in a string: escape it (at byte 5)"),
        (#"["\a"]"#, #"invalid escape: '\' followed by character 'a' (at byte 3)"#),
        (#"["\u00G0"]"#, "invalid \\u escape: expected 4 hex digits, got character 'G' (at byte 6)"),
        (#"["\u00"#, "unterminated \\u escape (at byte 6)"),
        ("", "empty input: expected a JSON value (at byte 0)"),
        ("[1,", "unexpected end of input: expected a value (at byte 3)"),
    ])
    func errorMessages(text: String, description: String) {
        let error = #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
        #expect(error?.description == description)
    }

    @Test("the nesting limit counts arrays and objects alike, and a deeper limit can be asked for")
    func depth() throws {
        let nested = { (depth: Int) in String(repeating: #"{"a":["#, count: depth) + String(repeating: "]}", count: depth) }
        #expect(throws: Never.self) { try JSONValue.parse(nested(64)) }          // 128 levels
        #expect(throws: JSONParseError.self) { try JSONValue.parse(nested(65)) }  // 130 levels
        #expect(throws: Never.self) { try JSONValue.parse(nested(65), maxDepth: 130) }
    }

    @Test("a long text of multi-byte characters parses whole, and its bytes are the string's")
    func longUTF8() throws {
        let text = String(repeating: "olá 注文 📦 ", count: 10_000)
        #expect(try JSONValue.parse(JSONValue.string(text).encoded()) == .string(text))
    }
}
