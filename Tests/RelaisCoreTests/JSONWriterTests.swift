import RelaisCore
import Testing

struct JSONWriterTests {
    @Test func writesNestedObjectsWithStableKeyOrder() {
        var json = JSONWriter()
        json.beginObject()
        json.field("type", "pong")
        json.field("t", 42)
        json.key("list")
        json.beginArray()
        json.value(1)
        json.value(true)
        json.nullValue()
        json.endArray()
        json.key("o")
        json.beginObject()
        json.field("x", 1.5)
        json.endObject()
        json.endObject()
        #expect(json.string == #"{"type":"pong","t":42,"list":[1,true,null],"o":{"x":1.5}}"#)
    }

    @Test(arguments: [
        ("plain", #""plain""#), ("quote\"", #""quote\"""#), ("back\\slash", #""back\\slash""#),
        ("line\nbreak", #""line\nbreak""#), ("\u{01}", #""\u0001""#), ("é", "\"é\""),
    ])
    func escapesStrings(input: String, expected: String) {
        var out: [UInt8] = []
        JSONWriter.appendQuoted(input, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == expected)
    }

    @Test func nonFiniteNumbersBecomeNull() {
        var json = JSONWriter()
        json.beginArray()
        json.value(Double.nan)
        json.value(Double.infinity)
        json.value(2.0)
        json.endArray()
        #expect(json.string == "[null,null,2]")
    }
}
