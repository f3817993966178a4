import ArgumentParser
import Models
import Pruning

extension SettingError {
    /// The message with the setting written as the flag that sets it (`keep_tokens` → `--keep-tokens`);
    /// `flags` names those spelt otherwise.
    func flagMessage(_ flags: [String: String] = [:]) -> String {
        guard !setting.isEmpty else { return reason }
        return "\(flags[setting] ?? "--" + setting.replacingOccurrences(of: "_", with: "-")): \(reason)"
    }
}

/// Runs a settings type's check for a command's `validate()`: its error names the flag.
func validateSettings(flags: [String: String] = [:], _ check: () throws(SettingError) -> Void) throws {
    do throws(SettingError) { try check() } catch { throw ValidationError(error.flagMessage(flags)) }
}

extension PruningSettings.HeadMethod: ExpressibleByArgument {}
extension VisionTokenKeep.Scoring: ExpressibleByArgument {}
