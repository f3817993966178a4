import Checkpoint
import Foundation
import TensorCore

/// The training loop shared by teacher training, distillation and the scratch baseline:
/// deterministic shuffling, AdamW with warm-up + cosine schedule, gradient clipping, an
/// evaluation and a resumable state file at each epoch end, Ctrl-C and NaN handling.
///
/// Every source of randomness derives from `seed` and the epoch, so a run resumed
/// from its state file takes exactly the steps an uninterrupted run would.
public final class Trainer {
    /// What one step computed: the scalar loss to minimise, its weighted terms, and how many
    /// samples of the batch were classified correctly.
    public struct StepResult {
        public var loss: Tensor
        public var components: [String: Float]
        public var correct: Int
        public init(loss: Tensor, components: [String: Float], correct: Int) {
            self.loss = loss; self.components = components; self.correct = correct
        }
    }

    public let phase: String
    public let parameters: [(name: String, tensor: Tensor)]
    public let settings: TrainingSettings
    /// Seeds the per-epoch shuffles.
    public let seed: UInt64
    public let sampleCount: Int
    /// Where the state is saved each epoch (nil: not saved).
    public let statePath: URL?
    /// Identifies the run (recipe, models, data); a state file with another one is not resumed.
    public let fingerprint: String
    public let progress: ProgressReporter
    /// Epochs of each learning-rate segment (warm-up and cosine decay of its own), summing to the
    /// epochs; empty: one segment over the whole run.
    public let segments: [Int]
    /// The replicas of a data-parallel run (nil: this process alone). Each takes its share of every
    /// batch, gradients, losses and counts are summed over them, and rank 0 alone writes the state.
    public var replicas: ReplicaGroup?
    /// During a data-parallel step whose batch is split, where this replica's rows sit (for the
    /// loss terms that couple a batch's samples); nil otherwise.
    public private(set) var batchShare: BatchShare?
    /// Seconds this epoch's steps spent summing over the replicas (losses, counts, gradients).
    private var communicationSeconds = 0.0

    public init(phase: String, parameters: [(name: String, tensor: Tensor)], settings: TrainingSettings, seed: UInt64,
                sampleCount: Int, statePath: URL?, fingerprint: String, progress: ProgressReporter, segments: [Int] = [],
                replicas: ReplicaGroup? = nil) {
        self.phase = phase; self.parameters = parameters; self.settings = settings; self.seed = seed; self.sampleCount = sampleCount
        self.statePath = statePath; self.fingerprint = fingerprint; self.progress = progress; self.segments = segments
        self.replicas = replicas.flatMap { $0.size > 1 ? $0 : nil }
    }

    public var stepsPerEpoch: Int { (sampleCount + settings.batchSize - 1) / settings.batchSize }

    /// Sample order of `epoch`: a Fisher–Yates shuffle seeded by (seed, epoch).
    public func order(epoch: Int) -> [Int] {
        var generator = RandomGenerator(seed: seed &+ UInt64(epoch + 1) &* 0x9E37_79B9_7F4A_7C15)
        var indices = Array(0..<sampleCount)
        for i in stride(from: sampleCount - 1, to: 0, by: -1) { indices.swapAt(i, generator.integer(below: i + 1)) }
        return indices
    }

    /// Trains; `step` computes the loss of a batch of sample indices, `evaluate` the test accuracy.
    /// `epochData` is told each epoch (0-based) before its first step, also when a run resumes
    /// inside it, so a caller that draws new samples per epoch can swap them in.
    /// With `resume`, continues from the state file when it exists (and returns at once when that
    /// run had finished). `shouldStop` is asked after each step (default: was Ctrl-C pressed?);
    /// when it says yes the state is saved and `.interrupted` thrown.
    /// - Returns: one record per epoch, including epochs done before a resume.
    public func run(resume: Bool, shouldStop: () -> Bool = { Interruption.requested }, epochData: (Int) -> Void = { _ in },
                    step: ([Int]) -> StepResult, evaluate: () -> Double) throws(TrainingError) -> [EpochRecord] {
        let optimizer = AdamW(parameters: parameters.map(\.tensor), learningRate: settings.learningRate,
                              weightDecay: settings.weightDecay)
        let schedule = LearningRateSchedule(peak: settings.learningRate, warmupSteps: settings.warmupSteps,
                                            segmentSteps: (segments.isEmpty ? [settings.epochs] : segments).map { $0 * stepsPerEpoch })
        var state = TrainingState(fingerprint: fingerprint)
        if resume, let statePath, FileManager.default.fileExists(atPath: statePath.path) {
            state = try TrainingState.read(from: statePath, fingerprint: fingerprint, parameters: parameters, optimizer: optimizer)
            progress.line("\(phase): resuming at epoch \(state.epoch + 1), step \(state.stepInEpoch) from \(statePath.path)")
        }
        if state.completed { return state.records }

        while state.epoch < settings.epochs {
            epochData(state.epoch)
            let order = order(epoch: state.epoch)
            let started = Date().timeIntervalSince1970 - state.sums.seconds
            communicationSeconds = 0
            for stepIndex in state.stepInEpoch..<stepsPerEpoch {
                let batch = Array(order[(stepIndex * settings.batchSize)..<min((stepIndex + 1) * settings.batchSize, sampleCount)])
                optimizer.zeroGradients()
                let result = try replicatedStep(batch, step: step, optimizer: optimizer, at: (state.epoch, stepIndex))
                let loss = result.loss.item
                optimizer.learningRate = schedule.rate(at: optimizer.step)
                optimizer.update()

                state.stepInEpoch = stepIndex + 1
                state.sums.add(loss: Double(loss), components: result.components, correct: result.correct, count: batch.count)
                state.sums.seconds = Date().timeIntervalSince1970 - started
                let rate = Double(state.sums.seen) / max(state.sums.seconds, 1e-9)
                let remaining = Double((settings.epochs - state.epoch) * sampleCount - state.sums.seen) / rate
                progress.step(phase: phase, epoch: state.epoch + 1, epochs: settings.epochs, step: stepIndex + 1, steps: stepsPerEpoch,
                              loss: state.sums.meanLoss, accuracy: state.sums.accuracy, samplesPerSecond: rate, remainingSeconds: remaining)
                if stepIndex + 1 < stepsPerEpoch && agreed(shouldStop()) {
                    try save(state, optimizer)
                    throw .interrupted(phase: phase, statePath: statePath?.path)
                }
            }
            let record = state.sums.record(phase: phase, epoch: state.epoch + 1, testAccuracy: evaluate())
            state.records.append(record)
            let communication = replicas.map { String(format: ", %d ranks, allreduce %.1f%% of it", $0.size,
                                                         100 * communicationSeconds / max(record.seconds, 1e-9)) } ?? ""
            progress.line(String(format: "%@ epoch %d/%d: loss %.4f  train %.1f%%  test %.1f%%  (%.0f samples/s, %@%@)",
                                 phase, record.epoch, settings.epochs, record.trainLoss, 100 * record.trainAccuracy,
                                 100 * record.testAccuracy, record.samplesPerSecond, ProgressReporter.duration(record.seconds),
                                 communication))
            state.epoch += 1
            state.stepInEpoch = 0
            state.sums = TrainingState.Sums()
            state.completed = state.epoch == settings.epochs
            try save(state, optimizer)
            if !state.completed && agreed(shouldStop()) { throw .interrupted(phase: phase, statePath: statePath?.path) }
        }
        return state.records
    }

    /// The records of this run when its state file says it finished (a later invocation that
    /// loads the saved model instead of training can still report every epoch).
    public func completedRecords() -> [EpochRecord]? {
        statePath.flatMap { Self.completedRecords(statePath: $0, fingerprint: fingerprint) }
    }

    /// The records of the run `fingerprint` when its state file at `statePath` says it finished, else nil.
    public static func completedRecords(statePath: URL, fingerprint: String) -> [EpochRecord]? {
        TrainingState.completedRecords(at: statePath, fingerprint: fingerprint)
    }

    /// One step's loss and gradients over the whole `batch`: alone, `step(batch)`; with replicas, each
    /// computes its share and the loss, its terms, the hits and the gradients are combined so that
    /// every replica holds those of the mean over the batch. Throws when the loss is not finite.
    private func replicatedStep(_ batch: [Int], step: ([Int]) -> StepResult, optimizer: AdamW,
                                at position: (epoch: Int, step: Int)) throws(TrainingError) -> StepResult {
        let nonFinite = TrainingError.nonFinite(phase: phase, epoch: position.epoch + 1, step: position.step + 1,
                                                statePath: statePath?.path)
        guard let replicas, replicas.size > 1 else {
            let result = step(batch)
            guard result.loss.item.isFinite else { throw nonFinite }
            result.loss.backward()
            clipGradients(of: optimizer.parameters, maximumNorm: settings.gradientClip)
            return result
        }
        // A batch smaller than the group (an epoch's last) is computed whole by every replica, each
        // counting for 1/size, so that no share is empty.
        let split = batch.count >= replicas.size
        let rows = split ? replicas.share(of: batch).indices : batch.indices
        let share = Array(batch[rows])
        let fraction = split ? Float(share.count) / Float(batch.count) : 1 / Float(replicas.size)
        batchShare = split ? BatchShare(replicas: replicas, offset: rows.lowerBound, total: batch.count, fraction: fraction) : nil
        defer { batchShare = nil }
        let result = step(share)
        // Every replica names the same terms: the objective is the same everywhere.
        let names = result.components.keys.sorted()
        var totals = [Double(result.loss.item * fraction), Double(result.correct) * Double(split ? 1 : fraction)]
            + names.map { Double(result.components[$0]! * fraction) }
        let summing = Date()
        replicas.sum(&totals)
        communicationSeconds += Date().timeIntervalSince(summing)
        guard totals[0].isFinite else { throw nonFinite }
        result.loss.backward()
        let combining = Date()
        replicas.combineGradients(of: optimizer.parameters, fraction: fraction)
        communicationSeconds += Date().timeIntervalSince(combining)
        clipGradients(of: optimizer.parameters, maximumNorm: settings.gradientClip)
        return StepResult(loss: Tensor(shape: [], storage: [Float(totals[0])]),
                          components: Dictionary(uniqueKeysWithValues: zip(names, totals.dropFirst(2).map(Float.init))),
                          correct: Int(totals[1]))
    }

    /// Whether any replica says yes (every replica then stops at the same step); alone, `flag`.
    private func agreed(_ flag: Bool) -> Bool {
        replicas?.any(flag) ?? flag
    }

    /// Rank 0 writes the state; every replica learns whether that worked, so none waits for a
    /// rank that has stopped.
    private func save(_ state: TrainingState, _ optimizer: AdamW) throws(TrainingError) {
        guard let statePath else { return }
        do {
            try writeOnRankZero(statePath, replicas: replicas) { () throws(CheckpointError) in
                try state.write(to: statePath, parameters: parameters, optimizer: optimizer)
            }
        } catch {
            throw .file(error)
        }
    }
}
