import Foundation

/// `cascade.json`: a student that answers every sample and a teacher that answers those the
/// student is unsure of, with the rule that decides (docs/deployment.md). Member paths are
/// relative to the file's folder unless absolute.
public struct CascadeDefinition: Equatable, Sendable, Codable {
    public static let format = "condenser-cascade"
    public static let formatVersion = 1

    public var format: String
    public var formatVersion: Int
    public var student: String
    public var teacher: String
    public var signal: CascadeSignal
    /// Escalate when the signal's score < threshold; JSON has no infinities, so "never" and
    /// "always" are written as `-1e30` and `1e30`.
    public var threshold: Double
    public var combination: LogisticCombination?
    public var calibration: Calibration

    /// How the threshold was chosen, on held-out calibration data.
    public struct Calibration: Equatable, Sendable, Codable {
        public var data: String
        public var samples: Int
        public var retain: Double
        public var teacherShare: Double
        public var accuracy: Double
        public var studentAccuracy: Double
        public var teacherAccuracy: Double
        /// Every signal's share on the calibration set at the same target (the chosen one is the smallest).
        public var signals: [String: Double]

        enum CodingKeys: String, CodingKey {
            case data, samples, retain, teacherShare = "teacher_share", accuracy, studentAccuracy = "student_accuracy"
            case teacherAccuracy = "teacher_accuracy", signals
        }
    }

    enum CodingKeys: String, CodingKey {
        case format, formatVersion = "format_version", student, teacher, signal, threshold, combination, calibration
    }

    public init(student: String, teacher: String, signal: CascadeSignal, threshold: Double, combination: LogisticCombination?,
                calibration: Calibration) {
        self.format = Self.format
        self.formatVersion = Self.formatVersion
        self.student = student; self.teacher = teacher; self.signal = signal
        self.threshold = max(-1e30, min(1e30, threshold))
        self.combination = combination; self.calibration = calibration
    }

    /// Reads and checks `url`. - Throws: `CascadeError` naming the file and the key.
    public static func read(from url: URL) throws(CascadeError) -> CascadeDefinition {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .invalid(file: url.path, reason: "cannot read: \(error.localizedDescription)")
        }
        let definition: CascadeDefinition
        do { definition = try JSONDecoder().decode(CascadeDefinition.self, from: data) } catch let error as DecodingError {
            throw .invalid(file: url.path, reason: Self.describe(error))
        } catch {
            throw .invalid(file: url.path, reason: "\(error)")
        }
        guard definition.format == format, definition.formatVersion == formatVersion else {
            throw .invalid(file: url.path, reason: "not a \(format) version \(formatVersion) file")
        }
        guard definition.threshold.isFinite else { throw .invalid(file: url.path, reason: "threshold: expected a finite number") }
        if definition.signal == .combined {
            guard let combination = definition.combination, combination.isValid else {
                throw .invalid(file: url.path, reason: "combination: the combined signal needs five means, scales and weights")
            }
        }
        return definition
    }

    /// The file's JSON, keys sorted.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    /// `path` as written, resolved against `folder` when relative.
    public static func resolve(_ path: String, in folder: URL) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : folder.appendingPathComponent(path)
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case let .keyNotFound(key, context): "\((context.codingPath + [key]).map(\.stringValue).joined(separator: ".")): missing"
        case let .typeMismatch(_, context), let .valueNotFound(_, context):
            context.codingPath.isEmpty ? "not a cascade: expected a JSON object"
                : "\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        case let .dataCorrupted(context) where context.codingPath.last?.stringValue == "signal":
            "signal: expected one of \(CascadeSignal.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))"
        case let .dataCorrupted(context):
            context.codingPath.isEmpty ? "not JSON: \(context.debugDescription)"
                : "\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        @unknown default: "\(error)"
        }
    }
}

extension LogisticCombination {
    /// Five finite means, positive scales and weights, and a finite bias.
    var isValid: Bool {
        let n = Self.features.count
        return mean.count == n && scale.count == n && weights.count == n && bias.isFinite
            && (mean + weights).allSatisfy(\.isFinite) && scale.allSatisfy { $0 > 0 && $0.isFinite }
    }
}

/// Why a cascade cannot be read or built; names the file.
public enum CascadeError: Error, Equatable, CustomStringConvertible {
    case invalid(file: String, reason: String)

    public var description: String {
        switch self {
        case let .invalid(file, reason): "\(file): \(reason)"
        }
    }
}
