import CHDF5

/// Owns one HDF5 identifier (file, group, dataset, attribute, type, dataspace or property list)
/// and releases it with its matching close function, at the latest when deinitialised.
final class HDF5Handle {
    let id: hid_t
    private let closeFunction: (hid_t) -> herr_t
    private var isOpen = true

    init(_ id: hid_t, close: @escaping (hid_t) -> herr_t) {
        self.id = id
        self.closeFunction = close
    }

    /// Releases the identifier now; later calls do nothing.
    func close(at location: HDF5Location, operation: String) throws(HDF5Error) {
        guard isOpen else { return }
        isOpen = false
        try location.call(operation) { closeFunction(id) }
    }

    deinit {
        if isOpen {
            condenser_h5_silence_errors()
            _ = closeFunction(id)
        }
    }
}

extension HDF5Location {
    /// Runs an HDF5 call that returns a new identifier and wraps it in a handle that closes it.
    func open(_ operation: String, close: @escaping (hid_t) -> herr_t, _ body: () -> hid_t) throws(HDF5Error) -> HDF5Handle {
        HDF5Handle(try call(operation, body), close: close)
    }
}
