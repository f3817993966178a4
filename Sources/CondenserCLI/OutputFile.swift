import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Refuses an output path that would destroy something, before any work is done:
/// - one of the command's own inputs, always (`predict a.h5 --out a.h5`);
/// - anything that is not a regular file, always (`--out /dev/null`, a folder);
/// - an existing file, unless `overwrite` (the command's `--overwrite` flag).
/// Inputs are compared as files (device and inode), so another spelling or a link to an input is caught too.
func checkOutput(_ output: URL, inputs: [String], overwrite: Bool) throws {
    var target = stat()
    guard stat(output.path, &target) == 0 else { return }  // nothing there yet
    for input in inputs {
        var source = stat()
        if stat(input, &source) == 0, source.st_dev == target.st_dev, source.st_ino == target.st_ino {
            throw CommandError.refusedOutput(path: output.path,
                                             reason: "is this command's input \(input); write the result to another file")
        }
    }
    guard (target.st_mode & S_IFMT) == S_IFREG else {
        throw CommandError.refusedOutput(path: output.path, reason: "exists and is not a regular file; refusing to replace it")
    }
    guard overwrite else { throw CommandError.refusedOutput(path: output.path, reason: "already exists; pass --overwrite to replace it") }
}
