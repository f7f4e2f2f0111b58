import RelaisCore
import Testing

struct ByteBufferTests {
    @Test func consumingEverythingResetsTheReaderIndex() {
        var buffer = ByteBuffer(string: "hello")
        #expect(buffer.readBytes(2) == Array("he".utf8))
        #expect(buffer.readableBytes == 3)
        buffer.moveReaderIndex(forwardBy: 3)
        #expect(buffer.isEmpty)
        #expect(buffer.readerIndex == 0)
    }

    @Test func readingMoreThanAvailableReturnsNil() {
        var buffer = ByteBuffer(string: "ab")
        #expect(buffer.readBytes(3) == nil)
        #expect(buffer.readableBytes == 2)
    }

    @Test func compactionKeepsUnreadBytes() {
        var buffer = ByteBuffer(bytes: [UInt8](repeating: 7, count: 10_000) + [1, 2, 3])
        buffer.moveReaderIndex(forwardBy: 10_000)
        buffer.compact()
        #expect(buffer.readerIndex == 0)
        #expect(buffer.readableBytesArray == [1, 2, 3])
    }

    @Test func equalityComparesOnlyUnreadBytes() {
        var a = ByteBuffer(string: "xxabc")
        a.moveReaderIndex(forwardBy: 2)
        #expect(a == ByteBuffer(string: "abc"))
    }
}
