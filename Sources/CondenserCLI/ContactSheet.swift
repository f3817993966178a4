import Checkpoint
import Foundation
import Imaging

/// A grid of dataset examples: each image enlarged, with its question and answer below.
enum ContactSheet {
    static func png(_ data: MultimodalDataset, count: Int) -> Data {
        let scale = max(1, 96 / max(data.imageWidth, 1))
        let cellWidth = max(data.imageWidth * scale, 96) + 12, textHeight = 56
        let cellHeight = data.imageHeight * scale + textHeight + 12
        let columns = min(count, 4), rows = (count + columns - 1) / columns
        var canvas = Canvas(width: columns * cellWidth + 6, height: rows * cellHeight + 6)
        let pixels = data.imageHeight * data.imageWidth * 3
        for index in 0..<count {
            let (x, y) = (6 + (index % columns) * cellWidth, 6 + (index / columns) * cellHeight)
            canvas.draw(image: Array(data.images[(index * pixels)..<((index + 1) * pixels)]), width: data.imageWidth,
                        height: data.imageHeight, x: x, y: y, scale: scale)
            let textY = y + data.imageHeight * scale + 4
            let lines = canvas.draw(text: data.question(at: index), x: x, y: textY, maximumWidth: cellWidth - 8)
            if let labels = data.labels {
                canvas.draw(text: "-> " + data.answers[Int(labels[index])], x: x, y: textY + lines * 10 + 2,
                            maximumWidth: cellWidth - 8, color: (200, 30, 30))
            }
        }
        return PNGEncoder.encode(width: canvas.width, height: canvas.height, pixels: canvas.pixels)
    }
}
