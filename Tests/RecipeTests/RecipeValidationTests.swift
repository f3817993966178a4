import Foundation
import Testing
@testable import Recipes

/// Each mistake gives one exact message naming the file, the key path and what was expected.
@Suite struct RecipeValidationTests {
    typealias F = RecipeFixtures

    @Test(arguments: [
        // Wrong types and out-of-range values.
        (["distill.losses.logits": #""x""#], #"distill.losses.logits: expected a number, got "x""#),
        (["data.train.count": "0"], "data.train.count: expected an integer >= 1, got 0"),
        (["teacher.train": #"{"epochs": 1, "batch_size": 8, "lr": -1}"#], "teacher.train.lr: expected a number > 0, got -1"),
        (["distill.epochs": "8.5"], "distill.epochs: expected an integer, got 8.5"),
        (["distill.epochs": "10001"], "distill.epochs: expected an integer between 1 and 10000, got 10001"),
        (["distill.batch_size": "true"], "distill.batch_size: expected an integer, got true"),
        (["distill.weight_decay": "-0.5"], "distill.weight_decay: expected a number >= 0, got -0.5"),
        (["distill.warmup_steps": "-1"], "distill.warmup_steps: expected an integer >= 0, got -1"),
        (["distill.temperature": "0"], "distill.temperature: expected a number > 0, got 0"),
        (["distill.contrastive_temperature": "null"], "distill.contrastive_temperature: expected a number > 0, got null"),
        (["distill.grad_clip": "0"], "distill.grad_clip: expected a number > 0, got 0"),
        (["distill.lr": "1e39"], "distill.lr: expected a number within 32-bit float range, got 1e39"),
        (["distill.baseline": #""yes""#], #"distill.baseline: expected true or false, got "yes""#),
        (["distill.cache_teacher": "1"], "distill.cache_teacher: expected true or false, got 1"),
        (["distill.baseline_seeds": "0"], "distill.baseline_seeds: expected an integer >= 1, got 0"),
        (["distill.baseline": "false", "distill.baseline_seeds": "3"],
         #"distill.baseline_seeds: 3 scratch students need "baseline": true"#),
        (["distill.losses": #"{"hard": 0}"#], "distill.losses: expected at least one weight > 0, got all 0"),
        (["distill.losses": "[1]"], "distill.losses: expected an object, got [1]"),
        (["seed": "-1"], "seed: expected an integer >= 0, got -1"),
        (["seed": "18446744073709551616"],
         "seed: expected an integer between 0 and 18446744073709551615, got 18446744073709551616"),
        (["name": #""my recipe""#], #"name: expected letters, digits, ".", "_" and "-" only, got "my recipe""#),
        (["name": #""""#], #"name: expected a non-empty string, got """#),
        (["output": "3"], "output: expected a non-empty string, got 3"),
        (["teacher.checkpoint": nil], #"teacher: missing required key "checkpoint""#),
        (["name": nil], #"missing required key "name""#),
        (["data.test": nil], #"data: missing required key "test""#),
        (["distill.lr": nil], #"distill: missing required key "lr""#),
        // Data sources.
        (["data.test": "{}"], #"data.test: expected either {"generator", "count", "seed"} or {"path"}"#),
        (["data.test": #"{"path": "t.h5", "count": 5}"#], #"data.test: expected either {"generator", "count", "seed"} or {"path"}"#),
        (["data.test": #""t.h5""#], #"data.test: expected either {"generator", "count", "seed"} or {"path"}, got "t.h5""#),
        (["data.train.generator": #""mnist""#], #"data.train.generator: unknown generator "mnist" (known: "shapes")"#),
        (["data.train.seed": nil], #"data.train: missing required key "seed""#),
        (["data.test": #"{"generator": "shapes", "count": 10, "seed": 1}"#],
         "data.test: uses the same generator and seed as data.train, so it would repeat the training samples"),
        (["data.train": #"{"path": "test.h5"}"#], "data.test: is the same file as data.train, so it would repeat the training samples"),
        // Unknown keys, with a suggestion when one is near.
        (["distill.epochs": nil, "distill.epoch": "8"], #"distill: unknown key "epoch" (did you mean "epochs"?)"#),
        (["distill.temprature": "3"], #"distill: unknown key "temprature" (did you mean "temperature"?)"#),
        (["distill.losses.logit": "0.5"], #"distill.losses: unknown key "logit" (did you mean "logits"?)"#),
        (["teacher.trian": "{}"], #"teacher: unknown key "trian" (did you mean "train"?)"#),
        (["distill.momentum": "0.9"], #"distill: unknown key "momentum""#),
        (["distill.x": "0.9"], #"distill: unknown key "x""#),
        (["data.train.colour": "1"], #"data.train: unknown key "colour""#),
        // Stages a later version runs are refused, never skipped.
        // The prune section, checked against the student (6 heads in 3 attention layers, 1 vision layer).
        (["prune": "{}"], "prune: nothing to prune: no heads, MLP units or vision tokens are removed"),
        (["prune.heads": "1"], "prune.heads: expected a fraction in [0, 1), got 1"),
        (["prune.mlp": "-0.1"], "prune.mlp: expected a fraction in [0, 1), got -0.1"),
        (["prune.heads": "0.9"],
         "prune.heads: removes 5 of the student's 6 heads, but each of its 3 attention layers must keep one (at most 3 can go)"),
        (["prune.keep_tokens": "0"], "prune.keep_tokens: expected a fraction of patches to keep in (0, 1], got 0"),
        (["prune.keep_tokens": "1.5"], "prune.keep_tokens: expected a fraction of patches to keep in (0, 1], got 1.5"),
        (["prune.keep_tokens": "0.5", "prune.after_layer": "2"],
         "prune.after_layer: the student has 1 vision layers, so after_layer must be between 1 and 1, got 2"),
        (["prune.heads": "0.5", "prune.heads_method": #""magnitude""#],
         #"prune.heads_method: expected one of "importance", "random", got "magnitude""#),
        (["prune.heads": "0.5", "prune.recover_epoch": "2"], #"prune: unknown key "recover_epoch" (did you mean "recover_epochs"?)"#),
        (["prune.heads": "0.5", "prune.steps": "0"], "prune.steps: expected an integer between 1 and 100, got 0"),
        (["prune.keep_tokens": "0.5", "prune.token_scoring": #""pixels""#],
         #"prune.token_scoring: expected one of "attention", "text", got "pixels""#),
        (["prune.keep_tokens": "0.5", "prune.after_layer": "0"],
         "prune.after_layer: expected an integer >= 1, got 0 (0 needs text-guided token scoring)"),
        (["quantize": #"{"bits": 8}"#], "quantize: unknown key \"bits\""),
        (["quantize": #"{"mode": "int4"}"#], "quantize.mode: expected one of \"static\", \"dynamic\", got \"int4\""),
        (["quantize": #"{"percentile": 100.5}"#], "quantize.percentile: expected a number > 0 and <= 100, got 100.5"),
        (["quantize": #"{"max_drop": -1}"#], "quantize.max_drop: expected a number >= 0, got -1"),
        // The bench section.
        (["bench": "true"], "bench: expected an object, got true"),
        (["bench.batch_sizes": "[1, 0]"], "bench.batch_sizes[1]: expected an integer >= 1, got 0"),
        (["bench.batch_sizes": "[1, 2.5]"], "bench.batch_sizes[1]: expected an integer >= 1, got 2.5"),
        (["bench.batch_sizes": "[]"], "bench.batch_sizes: expected a non-empty list of integers >= 1, got []"),
        (["bench.batch_sizes": #""1,32""#], #"bench.batch_sizes: expected a non-empty list of integers >= 1, got "1,32""#),
        (["bench.batch_sizes": "[32, 1, 32]"], "bench.batch_sizes: batch size 32 is listed twice"),
        (["bench.threads": "0"], "bench.threads: expected an integer >= 1, got 0"),
        (["bench.warmup": "-1"], "bench.warmup: expected an integer >= 0, got -1"),
        (["bench.iterations": "0"], "bench.iterations: expected an integer >= 1, got 0"),
        (["bench.report": "\"\""], #"bench.report: expected a non-empty string, got """#),
        (["bench.iteration": "5"], #"bench: unknown key "iteration" (did you mean "iterations"?)"#),
        // The teacher's own data.
        (["teacher.train": #"{"epochs": 1, "batch_size": 8, "lr": 1, "data": {"path": "t.h5", "fresh_per_epoch": true}}"#],
         "teacher.train.data.fresh_per_epoch: only a generator can draw fresh samples; a file holds a fixed set"),
        (["teacher.train": #"{"epochs": 1, "batch_size": 8, "lr": 1, "#
            + #""data": {"generator": "shapes", "count": 8, "seed": 5, "fresh_per_epoch": 1}}"#],
         "teacher.train.data.fresh_per_epoch: expected true or false, got 1"),
        (["teacher.train": #"{"epochs": 1, "batch_size": 8, "lr": 1, "data": {"path": "t.h5", "curriculum": [{"epochs": 1}]}}"#],
         "teacher.train.data.curriculum: only a generator can follow a curriculum"),
        (["teacher.train": #"{"epochs": 1, "batch_size": 8, "lr": 1, "#
            + #""data": {"generator": "shapes", "count": 8, "seed": 5, "curriculum": {"epochs": 1}}}"#],
         #"teacher.train.data.curriculum: expected a non-empty list of stages, got {"epochs":1}"#),
        (["teacher.train": #"{"epochs": 1, "batch_size": 8, "lr": 1, "#
            + #""data": {"generator": "shapes", "count": 8, "seed": 5, "curriculum": [{"epochs": 0}]}}"#],
         "teacher.train.data.curriculum[0].epochs: expected an integer >= 1, got 0"),
        (["teacher.train": #"{"epochs": 1, "batch_size": 8, "lr": 1, "#
            + #""data": {"generator": "shapes", "count": 8, "seed": 5, "curriculum": [{"epochs": 1, "questions": []}]}}"#],
         "teacher.train.data.curriculum[0].questions: expected a non-empty list of strings, got []"),
        (["teacher.train": #"{"epochs": 1, "batch_size": 8, "lr": 1, "#
            + #""data": {"generator": "shapes", "count": 8, "seed": 5, "curriculum": [{"epochs": 1, "relation": ["left"]}]}}"#],
         #"teacher.train.data.curriculum[0]: unknown key "relation" (did you mean "relations"?)"#),
        // Stages.
        (["distill.stages": #"[{"kind": "vision", "epochs": 1}, {"kind": "task", "epochs": 2}]"#],
         #"distill.epochs: with "stages", each stage gives its own epochs (the task's in its "task" stage)"#),
        (["distill.epochs": nil, "distill.stages": #"[{"kind": "pixels", "epochs": 1}, {"kind": "task", "epochs": 2}]"#],
         #"distill.stages[0].kind: unknown stage kind "pixels" (known: "vision", "text", "align", "task")"#),
        (["distill.epochs": nil, "distill.stages": #"[{"kind": "task", "epochs": 2}, {"kind": "align", "epochs": 1}]"#],
         #"distill.stages[1].kind: the last stage must be the "task" stage (the run's own objective)"#),
        (["distill.epochs": nil, "distill.stages": #"[{"kind": "text", "epochs": 1}, {"kind": "text", "epochs": 1}, "#
            + #"{"kind": "task", "epochs": 1}]"#], #"distill.stages[1].kind: "text" is already stage 0"#),
        (["distill.epochs": nil, "distill.stages": #"[{"kind": "vision", "epochs": 1, "mask_ratio": 1}, {"kind": "task", "epochs": 1}]"#],
         "distill.stages[0].mask_ratio: expected a fraction in (0, 1), got 1"),
        (["distill.epochs": nil, "distill.stages": #"[{"kind": "align", "epochs": 1, "mask_ratio": 0.5}, {"kind": "task", "epochs": 1}]"#],
         #"distill.stages[0]: unknown key "mask_ratio""#),
        (["distill.epochs": nil, "distill.stages": #"[{"kind": "align", "epochs": 0}, {"kind": "task", "epochs": 1}]"#],
         "distill.stages[0].epochs: expected an integer between 1 and 10000, got 0"),
        (["distill.epochs": nil, "distill.stages": #"[{"kind": "task", "epochs": 1, "freeze": [""]}]"#],
         #"distill.stages[0].freeze[0]: expected a non-empty string, got """#),
        (["distill.epochs": nil, "distill.stages": "[]"], "distill.stages: expected a non-empty list of stages, got []"),
        // Models.
        (["teacher.model.patch_size": "5"], "teacher.model.patch_size: 5 does not divide image_size 32"),
        (["teacher.model.fusion_depth": "-1"], "teacher.model.fusion_depth: expected an integer >= 0, got -1"),
        (["teacher.model.head": #""tokens""#], #"teacher.model.head: "tokens" reads the fusion's decoder blocks: needs fusion_depth >= 1"#),
        (["student.model.text_heads": nil], "student.model.text_heads: missing"),
        (["student.model": "7"], "student.model: expected the path of a model config file or an inline config object, got 7"),
        (["student.model.num_classes": "10"], "student.model.num_classes: 10 differs from teacher.model.num_classes 32; "
            + "the student must read the same inputs and answer the same classes"),
    ] as [([String: String?], String)])
    func errorMessage(edits: [String: String?], expected: String) {
        #expect(F.failure(F.minimal(edits)) == "recipes/x.json: " + expected)
    }

    @Test func typeErrorsQuoteLongValuesShortly() {
        let failure = F.failure(F.minimal(["distill.lr": "[" + Array(repeating: "1", count: 30).joined(separator: ",") + "]"]))
        #expect(failure == "recipes/x.json: distill.lr: expected a number, got [" + String(repeating: "1,", count: 19) + "…")
    }

    @Test func malformedJSONGivesLineAndColumn() {
        // The `x` is at line 3, column 8: columns count characters, and `é` is one character of two bytes.
        let text = "{\n  \"name\": \"a\",\n  \"é\": x\n}"
        #expect(F.failure(text) == #"recipes/x.json: invalid JSON at line 3, column 8: expected a value, found "x""#)
        #expect(F.failure("{\"name\": \"a\",}")
                == #"recipes/x.json: invalid JSON at line 1, column 14: expected a key in double quotes, found "}""#)
        #expect(F.failure("{\"seed\": 1, \"seed\": 2}") == #"recipes/x.json: invalid JSON at line 1, column 13: duplicate key "seed""#)
        #expect(F.failure("") == "recipes/x.json: invalid JSON at line 1, column 1: expected a value, found the end of the file")
        #expect(F.failure("[1]") == "recipes/x.json: expected a JSON object at the top level, got [1]")
    }

    @Test func missingRecipeFileIsNamed() {
        let url = URL(fileURLWithPath: "recipes/does-not-exist.json")
        #expect(throws: RecipeError(file: "recipes/does-not-exist.json", keyPath: "", message: "cannot read the recipe: no such file")) {
            try Recipe.load(from: url)
        }
    }

    @Test func modelFileErrorsNameTheFile() throws {
        try F.withTemporaryFolder { folder in
            let models = folder.appendingPathComponent("models")
            try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
            try F.tinyModel.replacingOccurrences(of: "\"patch_size\": 8", with: "\"patch_size\": 5")
                .write(to: models.appendingPathComponent("bad.json"), atomically: true, encoding: .utf8)
            try "{\"image_size\": 32,\n\"patch_size\" 8}"
                .write(to: models.appendingPathComponent("broken.json"), atomically: true, encoding: .utf8)

            #expect(F.failure(F.minimal(["teacher.model": #""models/missing.json""#]), relativeTo: folder)
                == #"recipes/x.json: teacher.model: cannot read model config "models/missing.json": no such file "#
                + "(relative paths start at the current directory, \(folder.path))")
            #expect(F.failure(F.minimal(["student.model": #""models/bad.json""#]), relativeTo: folder)
                == "recipes/x.json: student.model.patch_size: 5 does not divide image_size 32 (in models/bad.json)")
            #expect(F.failure(F.minimal(["student.model": #""models/broken.json""#]), relativeTo: folder)
                == #"recipes/x.json: student.model: models/broken.json: invalid JSON at line 2, column 14: "#
                + #"expected ":" after key "patch_size", found "8""#)
        }
    }
}
