#ifndef CONDENSER_CHDF5_SHIM_H
#define CONDENSER_CHDF5_SHIM_H
#include <hdf5.h>

// HDF5's type and property-list "constants" are macros over `_g` globals that first call
// H5open(); Swift imports neither the macros nor (in Swift 6) the mutable globals. These
// accessors return the same handles. None of them must be closed.

// Native (in-memory) types.
static inline hid_t condenser_h5t_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t condenser_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t condenser_h5t_native_int8(void) { return H5T_NATIVE_INT8; }
static inline hid_t condenser_h5t_native_int32(void) { return H5T_NATIVE_INT32; }
static inline hid_t condenser_h5t_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t condenser_h5t_native_uint8(void) { return H5T_NATIVE_UINT8; }

// File (on-disk) types: little-endian, as numpy and h5py write on x86 and ARM.
static inline hid_t condenser_h5t_ieee_f32le(void) { return H5T_IEEE_F32LE; }
static inline hid_t condenser_h5t_ieee_f64le(void) { return H5T_IEEE_F64LE; }
static inline hid_t condenser_h5t_std_i8le(void) { return H5T_STD_I8LE; }
static inline hid_t condenser_h5t_std_i32le(void) { return H5T_STD_I32LE; }
static inline hid_t condenser_h5t_std_i64le(void) { return H5T_STD_I64LE; }
static inline hid_t condenser_h5t_std_u8le(void) { return H5T_STD_U8LE; }

/// The C string type, to copy and resize (H5Tcopy) for string attributes.
static inline hid_t condenser_h5t_c_s1(void) { return H5T_C_S1; }
/// Size that marks a variable-length string type (H5Tset_size).
static inline size_t condenser_h5t_variable(void) { return H5T_VARIABLE; }

// File access flags.
static inline unsigned condenser_h5f_acc_trunc(void) { return H5F_ACC_TRUNC; }
static inline unsigned condenser_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }

// Property-list classes and defaults.
static inline hid_t condenser_h5p_default(void) { return H5P_DEFAULT; }
static inline hid_t condenser_h5p_link_create(void) { return H5P_LINK_CREATE; }

/// "The whole dataspace" for H5Dread / H5Dwrite.
static inline hid_t condenser_h5s_all(void) { return H5S_ALL; }

/// The calling thread's error stack.
static inline hid_t condenser_h5e_default(void) { return H5E_DEFAULT; }

/// Turns off HDF5's automatic printing of its error stack for the calling thread. In a
/// thread-safe build (Debian's is) each thread has its own error stack and print setting,
/// so this runs once per thread rather than once per process.
static inline void condenser_h5_silence_errors(void) {
    static _Thread_local int silenced = 0;
    if (!silenced) {
        H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
        silenced = 1;
    }
}

#endif
