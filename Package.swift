// swift-tools-version: 6.1
// Condenser: compress image + text fusion models (distill, prune, quantize, bench).
//
// Targets, lowest first; dependencies point one way only:
//   COpenBLAS, CHDF5, CCPUID (C shims) → Hardware (CPU features, BLAS core) → TensorCore → Models → HDF5 → Checkpoint (files)
//   → Datasets, Evaluation → Training → Distillation → Pruning, Quantization, Benchmarking (each pass with its settings)
//   → Deployment (certainty, cascade, drift monitor) → Recipes (JSON into those settings) → Pipeline (recipe runs)
//   → CondenserCLI
import PackageDescription

/// Hot numeric loops: no bounds or exclusivity checks in release builds.
let fastMath: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "Condenser",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "condenser", targets: ["CondenserCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // C libraries behind thin shims.
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5-serial",
                       providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c",
                       providers: [.apt(["libopenmpi-dev", "openmpi-bin"])]),
        // Data-parallel process groups over OpenMPI (one process alone without mpirun).
        .target(name: "Distributed", dependencies: ["CMPI", "Training"]),

        // CPU probes in C: cpuid, xgetbv and the running clock.
        .target(name: "CCPUID"),
        // What the machine is: CPU features, OpenBLAS's core (chosen and proved at start-up), the theoretical peak.
        .target(name: "Hardware", dependencies: ["CCPUID", "COpenBLAS"]),

        // Elementwise kernels in C: AVX2 when the CPU has it, bit-identical portable code otherwise.
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3"])]),
        // Float32 tensors, BLAS-backed ops and reverse-mode autograd.
        .target(name: "TensorCore", dependencies: ["COpenBLAS", "CKernels"], swiftSettings: fastMath),
        // Layers and the vision + text + gated-fusion model family.
        .target(name: "Models", dependencies: ["TensorCore"], swiftSettings: fastMath),
        // Owning Swift types over HDF5 files, groups, datasets and attributes.
        .target(name: "HDF5", dependencies: ["CHDF5"]),
        // Checkpoint and dataset file formats.
        .target(name: "Checkpoint", dependencies: ["Models", "HDF5"]),
        // Built-in data generators (the `shapes` visual-question task).
        .target(name: "Datasets", dependencies: ["Checkpoint", "TensorCore"], swiftSettings: fastMath),
        // PNG contact sheets: an RGB canvas, a 5×7 bitmap font and a dependency-free PNG encoder.
        .target(name: "Imaging"),
        // Inference over a whole dataset: logits, predictions, accuracy.
        .target(name: "Evaluation", dependencies: ["Models", "Checkpoint", "TensorCore"]),
        // AdamW, schedule, clipping, the resumable training loop, cross-entropy and its settings.
        .target(name: "Training", dependencies: ["Models", "Checkpoint"], swiftSettings: fastMath),
        // Distillation losses (logits, features, attention maps, cross-modal similarities) and the teacher-output cache.
        .target(name: "Distillation", dependencies: ["TensorCore", "Models", "Checkpoint", "Training", "Evaluation"],
                swiftSettings: fastMath),
        // Staged training: the pretraining stages' objectives (masked patches, masked tokens, image–text alignment), freezing.
        .target(name: "Pretraining", dependencies: ["TensorCore", "Models", "Checkpoint", "Training", "Distillation", "Evaluation"],
                swiftSettings: fastMath),
        // Structured pruning: head importance, physical head / MLP-unit removal, token policy, recovery.
        .target(name: "Pruning", dependencies: ["Models", "Checkpoint", "Training", "Distillation", "Evaluation"],
                swiftSettings: fastMath),
        // int8 post-training quantization: calibration, the quantizer and its accuracy-aware fallback.
        .target(name: "Quantization", dependencies: ["TensorCore", "Models", "Checkpoint", "Evaluation"],
                swiftSettings: fastMath),
        // Latency, accuracy and size of checkpoints beside an sgemm yardstick measured in the same run,
        // the Pareto frontier, and the bench report (table, Markdown, CSV, JSON, SVG chart).
        .target(name: "Benchmarking", dependencies: ["Hardware", "TensorCore", "Models", "Checkpoint", "Evaluation"]),
        // Deployment: modality certainty, the student → teacher cascade (calibration, runtime, measurement).
        .target(name: "Deployment", dependencies: ["TensorCore", "Models", "Checkpoint", "Evaluation", "Benchmarking"]),
        // Recipe files: the JSON that drives `condenser distill` and `train`, parsed into each pass's settings.
        .target(name: "Recipes", dependencies: ["Models", "Checkpoint", "Training", "Distillation", "Pruning", "Quantization", "Benchmarking",
                                                "Deployment"]),
        // Recipe runs: data → teacher → distilled student → scratch baseline → pruned → int8 → bench, with their reports.
        .target(name: "Pipeline", dependencies: ["Recipes", "Datasets", "Distillation", "Pretraining", "Training", "Evaluation", "Checkpoint", "Deployment",
                                                 "Pruning", "Quantization", "Benchmarking"]),
        // The `condenser` command line.
        .executableTarget(name: "CondenserCLI", dependencies: [
            "Hardware", "HDF5", "Checkpoint", "Datasets", "Imaging", "Evaluation", "Training", "Recipes", "Deployment", "Pipeline", "Pruning", "Quantization",
            "Benchmarking", "Distributed", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // `make bench`: forward latency, GFLOP/s against plain sgemm, training and distillation throughput.
        .executableTarget(name: "CoreBench", dependencies: [
            "Hardware", "Models", "Checkpoint", "Training", "Distillation", "Datasets", "Evaluation", "CKernels", "Benchmarking",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "Benchmarks/CoreBench", swiftSettings: fastMath),

        // `make fuzz`: mutated checkpoints, datasets, recipes and model configs fed to every reading command.
        .executableTarget(name: "CondenserFuzz", dependencies: [
            "FuzzSupport", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "Tools/Fuzz"),
        .target(name: "FuzzSupport", dependencies: ["HDF5", "TensorCore"], path: "Tests/FuzzSupport"),
        // `mpirun -np N MPICheck`: every rank reports what an allreduce gave it (DistributedTests launch it).
        .executableTarget(name: "MPICheck", dependencies: ["Distributed", "Training", "TensorCore"], path: "Tools/MPICheck"),

        // Gradient checks, temporary folders, child processes and the interop Python, shared by the test targets.
        .target(name: "TestSupport", dependencies: ["TensorCore", "Models"], path: "Tests/TestSupport"),
        .testTarget(name: "HardwareTests", dependencies: ["Hardware"]),
        .testTarget(name: "DistributedTests", dependencies: ["Distributed", "Checkpoint", "TestSupport"]),
        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore", "CKernels", "TestSupport"]),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "TestSupport"]),
        .testTarget(name: "CheckpointTests", dependencies: ["Checkpoint", "TestSupport"], exclude: ["h5py_interop.py"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Checkpoint"]),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging", "TestSupport"]),
        .testTarget(name: "RecipeTests", dependencies: ["Recipes", "Models", "Checkpoint", "Deployment"]),
        .testTarget(name: "DistillationTests", dependencies: ["Distillation", "TensorCore", "TestSupport"]),
        .testTarget(name: "PretrainingTests", dependencies: ["Pretraining", "Distillation", "Models", "Checkpoint", "Datasets", "Training",
                                                            "TestSupport"]),
        .testTarget(name: "PruningTests", dependencies: ["Pruning", "Models", "Checkpoint", "Training", "TestSupport"]),
        .testTarget(name: "BenchmarkingTests", dependencies: ["Benchmarking", "Checkpoint", "Models", "TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Datasets", "Recipes", "TestSupport"]),
        .testTarget(name: "DeploymentTests", dependencies: ["Deployment", "Datasets", "Models", "Checkpoint", "TensorCore",
                                                           "TestSupport"],
                    exclude: ["certainty_reference.py"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Recipes", "Models", "Checkpoint", "Training", "Datasets",
                                                         "TestSupport"]),
        .testTarget(name: "QuantizationTests", dependencies: ["Quantization", "Models", "Checkpoint", "Datasets", "Evaluation",
                                                            "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["CondenserCLI", "Hardware", "Checkpoint", "Datasets", "Models", "TestSupport",
                                                    "FuzzSupport"],
                    exclude: ["reference_forward.py"]),
    ]
)
