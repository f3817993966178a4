import Foundation
import Imaging
import Testing
import TestSupport

@Suite struct PNGEncoderTests {
    /// Python's standard zlib and struct decode the file independently (CRCs, zlib stream, pixels).
    @Test func pythonDecodesTheSamePixels() throws {
        let folder = try TemporaryDirectory()
        let (width, height) = (37, 300)   // > 65535 bytes of scanlines: several stored blocks
        let pixels: [UInt8] = (0..<(width * height * 3)).map { (i: Int) -> UInt8 in UInt8(truncatingIfNeeded: i * 7 + i / 11) }
        try PNGEncoder.encode(width: width, height: height, pixels: pixels).write(to: folder.file("a.png"))
        let script = folder.file("decode.py")
        try Data("""
        import struct, sys, zlib
        data = open(sys.argv[1], 'rb').read()
        assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n'
        pos, idat, size = 8, b'', None
        while pos < len(data):
            length, kind = struct.unpack('>I4s', data[pos:pos + 8])
            body = data[pos + 8:pos + 8 + length]
            assert struct.unpack('>I', data[pos + 8 + length:pos + 12 + length])[0] == zlib.crc32(kind + body), kind
            if kind == b'IHDR': size = struct.unpack('>IIBBBBB', body)
            if kind == b'IDAT': idat += body
            pos += 12 + length
        w, h, depth, color = size[:4]
        raw = zlib.decompress(idat)
        rows = [raw[r * (w * 3 + 1):(r + 1) * (w * 3 + 1)] for r in range(h)]
        assert all(row[0] == 0 for row in rows)
        print(w, h, depth, color, sum(sum(row[1:]) for row in rows))
        """.utf8).write(to: script)
        let output = String(decoding: try Python.run(script: script, [folder.file("a.png").path]), as: UTF8.self)
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == "37 300 8 2 \(pixels.reduce(0) { $0 + Int($1) })")
    }

    @Test func textWrapsAtWordsAndInks() {
        var canvas = Canvas(width: 60, height: 40)
        let lines = canvas.draw(text: "what color is the triangle ?", x: 0, y: 0, maximumWidth: 60)
        #expect(lines == 3)   // 10 characters a line: "what color", "is the", "triangle ?"
        #expect(canvas.pixels.contains(0) && canvas.pixels.contains(255))
    }
}
