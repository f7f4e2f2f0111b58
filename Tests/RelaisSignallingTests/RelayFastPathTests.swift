import RelaisCore
@testable import RelaisSignalling
import Testing

/// The relay fast path must decide exactly like the general parser, or step aside.
struct RelayFastPathTests {
    @Test(arguments: [
        #"{"type":"offer","to":"doc","sdp":"v=0\r\n","rid":"o1"}"#,
        #"{"type":"answer","to":"pat-7","sdp":"v=0 \"quoted\" \u00e9"}"#,
        #"{ "type" : "candidate", "to":"doc", "candidate":{"candidate":"candidate:1 1 udp 1 198.51.100.7 9 typ host","sdpMid":"0","sdpMLineIndex":0,"usernameFragment":null} }"#,
        #"{"type":"candidate","to":"doc","candidate":null,"extra":[1,2,{"x":true}]}"#,
        #"{"to":"doc","candidate":{},"type":"candidate","type":"offer"}"#,
        #"{"type":"stats","rid":"s1","report":{"v":1,"timestamp":1700000000000,"streams":[{"id":"a","kind":"audio","dir":"in","jitter":0.004}]}}"#,
        #"{"report":[{"type":"inbound-rtp","kind":"audio"}],"peer":"pat-7","type":"stats"}"#,
        #"{"type":"stats","report":"not an object: the quality decoder refuses it, not the parser"}"#,
    ])
    func fastPathAgreesWithTheGeneralParser(json: String) throws {
        let bytes = Array(json.utf8)
        let fast = try #require(ParsedRequest.parseFast(bytes))
        #expect(fast == (try ParsedRequest.parseGeneral(bytes).get()))
    }

    @Test(arguments: [
        #"{"type":"offer","to":"doc","sdp":""}"#,          // empty SDP: the general parser's error
        #"{"type":"offer","to":"d o c","sdp":"v=0"}"#,     // invalid id
        #"{"type":"offer","to":"doc","sdp":5}"#,           // wrong type
        #"{"type":"off\u0065r","to":"doc","sdp":"v=0"}"#,  // escaped type
        #"{"type":"candidate","to":"doc","candidate":"x"}"#,
        #"{"type":"offer","to":"doc","sdp":"v=0""#,        // truncated
        #"{"type":"offer","to":"doc","sdp":"v=0"} x"#,     // trailing bytes
        #"{"type":"ping","t":1}"#,                         // not a relay message
        #"{"type":"offer","to":"doc","sdp":"v=0","rid":7}"#,
        #"{"type":"offer","to":"doc","candidate":{"a":[1,2,}}"#,
        #"{"type":"stats"}"#,                               // no report
        #"{"type":"stats","peer":"p q","report":{}}"#,      // invalid peer id
        #"{"type":"stats","peer":7,"report":{}}"#,          // peer of the wrong type
        #"{"type":"stats","report":{"v":1,}}"#,             // invalid JSON inside the report
    ])
    func unusualInputsFallBackAndGetTheGeneralAnswer(json: String) {
        let bytes = Array(json.utf8)
        #expect(ParsedRequest.parseFast(bytes) == nil)
        // Through the public entry point the answer is whatever the general parser says.
        #expect(ParsedRequest.parse(bytes, validatedUTF8: true) == ParsedRequest.parseGeneral(bytes))
    }

    @Test func scannerValidatesNestedValuesItSkips() {
        let invalid = [#"{"a":[1,,2]}"#, #"{"a":{"b" 1}}"#, #"{"a":01}"#, #"{"a":"\x"}"#, #"{"a":tru}"#, "{\"a\":\"\u{01}\"}"]
        for json in invalid {
            let ok = Array(json.utf8).withUnsafeBytes { JSONParser.scanTopLevelObject($0) { _, _ in } }
            #expect(!ok, "\(json)")
        }
        let valid = #"{"a":[1,-2.5e3,{"b":null,"c":[true,false]}],"d":"\u00e9\n"}"#
        #expect(Array(valid.utf8).withUnsafeBytes { JSONParser.scanTopLevelObject($0) { _, _ in } })
    }
}
