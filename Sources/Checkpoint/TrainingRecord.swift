/// How a checkpoint was trained by a recipe run, kept in its provenance (`"training": {…}`) so the
/// file says what made it: the recipe, the data (generator and seeds), the schedule, the wall time
/// and the accuracy it reached.
public struct TrainingRecord: Codable, Equatable, Sendable {
    /// The recipe file.
    public var recipe: String
    /// The training data as the recipe normalises it (JSON), e.g. `teacher.train.data` with its curriculum.
    public var data: String
    /// The test data (JSON).
    public var test: String
    public var epochs: Int
    /// Samples presented over all epochs.
    public var samples: Int
    /// Wall time of the training epochs, summed over resumed runs.
    public var seconds: Double
    /// Accuracy on the test data after the last epoch, a fraction.
    public var testAccuracy: Double

    public init(recipe: String, data: String, test: String, epochs: Int, samples: Int, seconds: Double, testAccuracy: Double) {
        self.recipe = recipe
        self.data = data
        self.test = test
        self.epochs = epochs
        self.samples = samples
        self.seconds = seconds
        self.testAccuracy = testAccuracy
    }

    enum CodingKeys: String, CodingKey {
        case recipe, data, test, epochs, samples, seconds
        case testAccuracy = "test_accuracy"
    }
}
