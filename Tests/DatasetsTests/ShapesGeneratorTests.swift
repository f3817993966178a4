import Checkpoint
import Testing
@testable import Datasets
@testable import TensorCore

@Suite struct ShapesGeneratorTests {
    @Test func sameSeedSameData() {
        let a = ShapesGenerator.generate(count: 50, seed: 3), b = ShapesGenerator.generate(count: 50, seed: 3)
        #expect(a.images == b.images && a.tokens == b.tokens && a.labels == b.labels)
        let c = ShapesGenerator.generate(count: 50, seed: 4)
        #expect(a.images != c.images)
        // Sample i depends only on (seed, i).
        let prefix = ShapesGenerator.generate(count: 20, seed: 3)
        #expect(prefix.images == Array(a.images[0..<prefix.images.count]) && prefix.labels! == Array(a.labels![0..<20]))
    }

    @Test func questionSubsetsAskOnlyThoseKindsAndWords() {
        let subset = ShapesGenerator.Questions(kinds: [.relation], relations: [0])
        let data = ShapesGenerator.generate(count: 200, seed: 3, questions: subset)
        #expect((0..<data.count).allSatisfy { data.question($0).hasPrefix("is the ") && data.question($0).contains(" left of the ") })
        let answers = (0..<data.count).map { data.answers[Int(data.labels![$0])] }
        #expect(Set(answers) == ["yes", "no"] && abs(answers.filter { $0 == "yes" }.count - 100) < 25)
        #expect(data.source == "shapes(count: 200, seed: 3, kinds: relation, relations: left)")
        // Two kinds, every relation word: each kind near half the questions.
        let mixed = ShapesGenerator.generate(count: 400, seed: 4, questions: .init(kinds: [.relation, .exists]))
        let relations = (0..<mixed.count).filter { mixed.question($0).contains(" of the ") || mixed.question($0).contains(" above ")
            || mixed.question($0).contains(" below ") }.count
        #expect(relations > 150 && relations < 250)
        #expect((0..<mixed.count).allSatisfy { mixed.question($0).hasPrefix("is ") })
        // The whole task is the default and spells its source as before.
        #expect(ShapesGenerator.generate(count: 5, seed: 1, questions: .all).images == ShapesGenerator.generate(count: 5, seed: 1).images)
        #expect(ShapesGenerator.generate(count: 5, seed: 1).source == "shapes(count: 5, seed: 1)")
    }

    @Test func questionsAreRecognisedByKind() throws {
        for kind in ShapesGenerator.Kind.allCases {
            let data = ShapesGenerator.generate(count: 60, seed: 8, questions: .init(kinds: [kind]))
            #expect((0..<data.count).allSatisfy { ShapesGenerator.Kind(question: data.questionWords(at: $0)) == kind }, "\(kind)")
        }
        // Per-kind accuracy: predicting every label right gives n/n per kind, and the totals add up.
        let data = ShapesGenerator.generate(count: 300, seed: 9)
        let rows = try ShapesGenerator.Kind.accuracies(predictions: data.labels!.map(Int.init), on: data)
        #expect(rows.count == 7 && rows.allSatisfy { $0.correct == $0.total } && rows.reduce(0) { $0 + $1.total } == 300)
        #expect(ShapesGenerator.Kind(question: ["where", "is", "it"]) == nil)
    }

    @Test func pinnedSampleDoesNotDrift() {
        // Guards the generator's stream across versions and machines: a change here changes every dataset.
        let data = ShapesGenerator.generate(count: 3, seed: 1)
        #expect(data.question(0) == "what shape is the red object ?")
        #expect(data.answers[Int(data.labels![0])] == "square")
    }

    @Test func answersAreBalancedWithinEachQuestionKind() {
        // Group questions by their first two words (the kind); answers within a kind must be near uniform,
        // so the question alone cannot do much better than chance.
        let data = ShapesGenerator.generate(count: 6000, seed: 11)
        var byKind: [String: [String: Int]] = [:]
        for i in 0..<data.count {
            let words = data.question(i).split(separator: " ")
            let kind = words[0] == "is" ? String(words[1] == "there" ? "exists" : "relation") : words[0..<2].joined(separator: " ")
            byKind[kind, default: [:]][data.answers[Int(data.labels![i])], default: 0] += 1
        }
        let expectedAnswers = ["what color": 6, "what shape": 4, "what size": 2, "how many": 5, "exists": 2, "relation": 2]
        #expect(Set(byKind.keys) == Set(expectedAnswers.keys))
        for (kind, counts) in byKind {
            #expect(counts.count == expectedAnswers[kind], "\(kind): answers \(counts)")
            let total = counts.values.reduce(0, +), share = Double(total) / Double(counts.count)
            for (answer, n) in counts {
                #expect(Swift.abs(Double(n) - share) < 0.25 * share, "\(kind) → \(answer): \(n) of \(total)")
            }
        }
    }

    @Test func answersAreTrueOfTheScene() {
        // Each answer checked against the generated objects by an independent reading of the question.
        let v = ShapesVocabulary.self
        for index in 0..<400 {
            var generator = RandomGenerator(seed: UInt64(index) &+ 1000)
            let sample = ShapesGenerator.makeSample(generator: &generator)
            let q = sample.question, objects = sample.objects
            #expect((1...4).contains(objects.count))
            func matching(color: String?, shape: String?) -> [SceneObject] {
                objects.filter { (color == nil || v.colors[$0.color] == color) && (shape == nil || v.shapes[$0.shape] == shape) }
            }
            switch (q[0], q[1]) {
            case ("what", "color"):
                let found = matching(color: nil, shape: q[4])
                #expect(found.count == 1 && v.colors[found[0].color] == sample.answer)
            case ("what", "shape"):
                let found = matching(color: q[4], shape: nil)
                #expect(found.count == 1 && v.shapes[found[0].shape] == sample.answer)
            case ("what", "size"):
                let found = matching(color: q[4], shape: q[5])
                #expect(found.count == 1 && v.sizes[found[0].size] == sample.answer)
            case ("how", "many"):
                let n = v.colors.contains(q[2]) ? matching(color: q[2], shape: nil).count
                    : matching(color: nil, shape: v.shapes[v.pluralShapes.firstIndex(of: q[2])!]).count
                #expect(String(n) == sample.answer, "\(q)")
            case ("is", "there"):
                #expect((matching(color: q[3], shape: q[4]).isEmpty ? "no" : "yes") == sample.answer)
            default:
                let a = matching(color: q[2], shape: q[3]), b = matching(color: q[q.count - 3], shape: q[q.count - 2])
                #expect(a.count == 1 && b.count == 1)
                let relation = q[4]
                let truth = switch relation {
                case "left": a[0].x < b[0].x
                case "right": a[0].x > b[0].x
                case "above": a[0].y < b[0].y
                default: a[0].y > b[0].y
                }
                #expect((truth ? "yes" : "no") == sample.answer, "\(q)")
            }
        }
    }

    @Test func objectsDoNotOverlapAndStayInside() {
        for index in 0..<200 {
            var generator = RandomGenerator(seed: UInt64(index))
            let objects = ShapesGenerator.makeSample(generator: &generator).objects
            for (i, a) in objects.enumerated() {
                #expect(a.x >= a.radius && a.x <= 32 - a.radius && a.y >= a.radius && a.y <= 32 - a.radius)
                for b in objects[(i + 1)...] {
                    let distance = ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot()
                    #expect(distance >= a.radius + b.radius + 1)
                }
            }
        }
    }

    @Test func noPatchShowsTwoObjects() {
        for index in 0..<200 {
            var generator = RandomGenerator(seed: UInt64(index))
            let objects = ShapesGenerator.makeSample(generator: &generator).objects
            var owner = [Int](repeating: -1, count: 8 * 8)  // 4×4-pixel patches of a 32×32 image
            for y in 0..<32 {
                for x in 0..<32 {
                    for (i, object) in objects.enumerated() where object.contains(Float(x) + 0.5, Float(y) + 0.5) {
                        let patch = (y / 4) * 8 + x / 4
                        #expect(owner[patch] == -1 || owner[patch] == i,
                                "sample \(index): patch \(patch) shows objects \(owner[patch]) and \(i)")
                        owner[patch] = i
                    }
                }
            }
        }
    }

    @Test func fitsTheReferenceModels() {
        let data = ShapesGenerator.generate(count: 10, seed: 0)
        #expect(data.vocab.count <= 64 && data.answers.count <= 32 && data.textLength <= 16)
        #expect(data.imageHeight == 32 && data.imageWidth == 32)
    }
}

extension Checkpoint.MultimodalDataset {
    func question(_ index: Int) -> String { questionWords(at: index).joined(separator: " ") }
}
