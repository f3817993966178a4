import CHDF5

/// Where an HDF5 call acts: the file and the object path inside it, named by every error.
struct HDF5Location: Sendable {
    /// File system path of the file.
    let file: String
    /// Absolute object path inside the file (`/`, `/model/head/weight`), or an attribute
    /// described as `attribute 'name' of /model`.
    let path: String

    /// The location of `relativePath` below this one.
    func appending(_ relativePath: String) -> HDF5Location {
        HDF5Location(file: file, path: path.hasSuffix("/") ? path + relativePath : path + "/" + relativePath)
    }

    /// The location of attribute `name` of this object.
    func attribute(_ name: String) -> HDF5Location {
        HDF5Location(file: file, path: "attribute '\(name)' of \(path)")
    }

    /// Runs one HDF5 C call with error printing off for this thread. A negative result, HDF5's
    /// failure value for `herr_t`, `hid_t` and `htri_t` alike, throws `.operationFailed` naming
    /// this location, `operation` and HDF5's innermost error message.
    @discardableResult
    func call<Result: BinaryInteger>(_ operation: String, _ body: () -> Result) throws(HDF5Error) -> Result {
        condenser_h5_silence_errors()
        let result = body()
        if result < 0 {
            throw .operationFailed(file: file, object: path, operation: operation, detail: HDF5Location.innermostMessage())
        }
        return result
    }

    /// The most specific message on this thread's HDF5 error stack (the stack of the last failed call).
    static func innermostMessage() -> String {
        var messages: [String] = []
        _ = withUnsafeMutablePointer(to: &messages) { messagesPointer in
            H5Ewalk2(condenser_h5e_default(), H5E_WALK_UPWARD, { _, error, clientData in
                if let description = error?.pointee.desc, let clientData {
                    clientData.assumingMemoryBound(to: [String].self).pointee.append(String(cString: description))
                }
                return 0
            }, messagesPointer)
        }
        return messages.first ?? ""
    }
}
