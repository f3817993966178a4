/// An 8-bit RGB drawing surface for contact sheets.
public struct Canvas {
    public let width: Int
    public let height: Int
    /// [height, width, 3], row-major.
    public private(set) var pixels: [UInt8]

    public init(width: Int, height: Int, background: (UInt8, UInt8, UInt8) = (255, 255, 255)) {
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in 0..<(width * height) { (pixels[3 * i], pixels[3 * i + 1], pixels[3 * i + 2]) = background }
    }

    /// Copies an RGB image [h, w, 3] with its top-left corner at (x, y), each pixel `scale`×`scale`.
    public mutating func draw(image: [UInt8], width w: Int, height h: Int, x: Int, y: Int, scale: Int = 1) {
        for row in 0..<(h * scale) {
            for column in 0..<(w * scale) {
                let (px, py) = (x + column, y + row)
                guard px >= 0, px < width, py >= 0, py < height else { continue }
                let source = ((row / scale) * w + column / scale) * 3
                let target = (py * width + px) * 3
                (pixels[target], pixels[target + 1], pixels[target + 2]) = (image[source], image[source + 1], image[source + 2])
            }
        }
    }

    /// Writes `text` in the 5×7 font from (x, y), 6 pixels a character; returns the lines used
    /// after wrapping at word boundaries to `maximumWidth` pixels.
    @discardableResult
    public mutating func draw(text: String, x: Int, y: Int, maximumWidth: Int, color: (UInt8, UInt8, UInt8) = (0, 0, 0)) -> Int {
        let perLine = max(1, maximumWidth / (BitmapFont.width + 1))
        var lines: [String] = [], current = ""
        for word in text.split(separator: " ") {
            if !current.isEmpty && current.count + 1 + word.count > perLine { lines.append(current); current = "" }
            current += (current.isEmpty ? "" : " ") + word
        }
        if !current.isEmpty { lines.append(current) }
        for (lineIndex, line) in lines.enumerated() {
            for (index, character) in line.prefix(perLine).enumerated() {
                for gy in 0..<BitmapFont.height { for gx in 0..<BitmapFont.width where BitmapFont.ink(character, gx, gy) {
                    let (px, py) = (x + index * (BitmapFont.width + 1) + gx, y + lineIndex * (BitmapFont.height + 3) + gy)
                    guard px < width, py < height else { continue }
                    let target = (py * width + px) * 3
                    (pixels[target], pixels[target + 1], pixels[target + 2]) = color
                } }
            }
        }
        return lines.count
    }
}
