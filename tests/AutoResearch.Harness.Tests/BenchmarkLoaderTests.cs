using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Harness.Tests;

public sealed class BenchmarkLoaderTests : IDisposable
{
    private readonly TempTree _tree = new();

    public void Dispose() => _tree.Dispose();

    private SpecValidationException Invalid(string yaml, out string file)
    {
        var path = Specs.WriteBenchmark(_tree, yaml: yaml);
        file = path;
        return Expect.Invalid(() => BenchmarkLoader.Load(path));
    }

    [Fact]
    public void LoadsAValidFolderWithExactValues()
    {
        Specs.WriteBenchmark(_tree);
        var folder = _tree.PathOf("benchmarks/digits-mlp");

        var spec = BenchmarkLoader.Load(folder);

        Assert.Equal("digits-mlp", spec.Name);
        Assert.Equal(folder, spec.Directory);
        Assert.True(Path.IsPathRooted(spec.Directory));
        Assert.Equal("program.md", spec.Description);
        Assert.Equal("autoresearch/sklearn:latest", spec.Image);
        Assert.Equal(["python3", "train.py"], spec.Command);
        Assert.Equal(["train.py", "data/digits.csv"], spec.Files);
        Assert.Equal(["train.py"], spec.Editable);
        Assert.Equal(new MetricSpec { Name = "val_error", Direction = Direction.Minimize }, spec.Metric);
        Assert.Equal(0.397887, spec.KnownOptimum);
        Assert.Equal(TimeSpan.FromSeconds(90), spec.TimeLimit);
        Assert.Equal(new ResourceSpec { Cpus = 1.5, MemoryMb = 2048, Gpus = 0, Pids = 128, TmpfsMb = 64 }, spec.Resources);

        Assert.Equal(["lr", "hidden", "activation"], spec.Parameters.Select(p => p.Name));
        var lr = spec.Parameters[0];
        Assert.Equal((ParameterType.Float, 0.0001, 1.0, true, "0.05"), (lr.Type, lr.Min, lr.Max, lr.Log, lr.Default));
        var hidden = spec.Parameters[1];
        Assert.Equal((ParameterType.Int, 16.0, 256.0, true, "32"), (hidden.Type, hidden.Min, hidden.Max, hidden.Log, hidden.Default));
        var activation = spec.Parameters[2];
        Assert.Equal(ParameterType.Choice, activation.Type);
        Assert.Equal(["relu", "tanh"], activation.Choices);
        Assert.Equal("tanh", activation.Default);
        Assert.Null(activation.Min);
        Assert.Equal(new Dictionary<string, string> { ["lr"] = "0.05", ["hidden"] = "32", ["activation"] = "tanh" }, spec.Defaults().ToText());
    }

    [Fact]
    public void ReadsTheWorkDirectorySizeAndDefaultsItTo1g()
    {
        var sized = BenchmarkLoader.Load(Specs.WriteBenchmark(_tree, yaml: Specs.Benchmark.With("tmpfs: 64m }", "tmpfs: 64m, disk: 512m }")));
        Assert.Equal(512, sized.Resources.DiskMb);

        var unsized = BenchmarkLoader.Load(Specs.WriteBenchmark(_tree, yaml: Specs.Benchmark));
        Assert.Equal(1024, unsized.Resources.DiskMb);
        Assert.Equal(ResourceSpec.DefaultDiskMb, unsized.Resources.DiskMb);
    }

    [Fact]
    public void LoadsTheYamlPathDirectlyAndAppliesDefaultsForOptionalFields()
    {
        var path = Specs.WriteBenchmark(_tree, yaml: """
            name: branin
            image: autoresearch/python:latest
            command: [python3, train.py]
            files: [train.py]
            metric: { name: value, direction: maximize }
            time_limit: 45s
            parameters:
              x: { type: float, min: -5, max: 10, default: 2.5 }
              n: { type: int, min: 1, max: 10, default: 4.0 }
              tiny: { type: float, min: 0.0, max: 1.0, default: 1e-7 }
            """);

        var spec = BenchmarkLoader.Load(path);

        Assert.Equal(_tree.PathOf("benchmarks/digits-mlp"), spec.Directory);
        Assert.Null(spec.Description);
        Assert.Null(spec.KnownOptimum);
        Assert.Empty(spec.Editable);
        Assert.Equal(Direction.Maximize, spec.Metric.Direction);
        Assert.Equal(new ResourceSpec(), spec.Resources);
        Assert.Equal(["2.5", "4", "1E-07"], spec.Parameters.Select(p => p.Default));
        Assert.False(spec.Parameters[0].Log);
    }

    [Fact]
    public void MissingFolderOrFileIsReported()
    {
        var missing = _tree.PathOf("nowhere");
        var e = Expect.Invalid(() => BenchmarkLoader.Load(missing));
        Expect.Error(e, missing, "(file)", "not found");

        Directory.CreateDirectory(_tree.PathOf("empty"));
        e = Expect.Invalid(() => BenchmarkLoader.Load(_tree.PathOf("empty")));
        Expect.Error(e, _tree.PathOf("empty/benchmark.yaml"), "(file)", "not found");
    }

    [Fact]
    public void CollectsEveryErrorOfTheFile()
    {
        var e = Invalid(
            Specs.Benchmark
                .With("name: digits-mlp", "name: Digits_MLP")
                .With("direction: minimize", "direction: minimise")
                .With("time_limit: 1m30s", "time_limit: 90")
                .With("max: 1.0,", "max: 0.00001,")
                .With("memory: 2g", "memory: lots"),
            out var file);

        Assert.Equal(5, e.Errors.Count);
        Assert.All(e.Errors, x => Assert.Equal(file, x.File));
        Expect.Error(e, file, "name", "'Digits_MLP' is not valid: use lowercase letters");
        Expect.Error(e, file, "metric.direction", "did you mean 'minimize'?");
        Expect.Error(e, file, "time_limit", "a unit is needed, e.g. 90s");
        Expect.Error(e, file, "parameters.lr.max", "must be greater than min (0.0001), not 1E-05");
        Expect.Error(e, file, "resources.memory", "'lots' is not a size");

        var lines = e.Message.Split(Environment.NewLine);
        Assert.Equal(5, lines.Length);
        Assert.StartsWith($"{file}: name: ", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void ErrorsCarryTheLineOfTheOffendingValue()
    {
        var e = Invalid(Specs.Benchmark.With("known_optimum: 0.397887", "known_optimum: low"), out var file);

        var error = Expect.Error(e, file, "known_optimum", "must be a number, not 'low'");
        Assert.Equal(8, error.Line);
        Assert.Equal(16, error.Column);
        Assert.EndsWith("(line 8, column 16)", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownKeysAreErrorsWithASuggestion()
    {
        var e = Invalid(
            Specs.Benchmark
                .With("time_limit: 1m30s", "time_limit: 1m30s\ntimelimit: 2m")
                .With("log: true, default: 0.05", "log: true, defualt: 0.05"),
            out var file);

        Expect.Error(e, file, "timelimit", "unknown key (did you mean 'time_limit'?)");
        Expect.Error(e, file, "parameters.lr.defualt", "did you mean 'default'?");
        Expect.Error(e, file, "parameters.lr.default", "is required");
        Assert.Equal(3, e.Errors.Count);
    }

    [Fact]
    public void DuplicateKeysAreErrors()
    {
        var e = Invalid(Specs.Benchmark.With("image: autoresearch/sklearn:latest", "image: a:1\nimage: b:2"), out var file);

        var error = Expect.Error(e, file, "image", "duplicate key (first given on line 3)");
        Assert.Equal(4, error.Line);
    }

    [Fact]
    public void RequiredFieldsAreReportedWhenMissing()
    {
        var e = Invalid("description: program.md\n", out var file);

        Assert.Equal(
            ["command", "files", "image", "metric", "name", "time_limit"],
            e.Errors.Select(x => x.Field).Order(StringComparer.Ordinal));
        Assert.All(e.Errors, x => Assert.Equal("is required", x.Message));
        Assert.All(e.Errors, x => Assert.Equal(file, x.File));
    }

    [Fact]
    public void YamlSyntaxErrorGivesLineAndColumn()
    {
        var e = Invalid("name: digits-mlp\nimage: [unclosed\ncommand: x\n", out var file);

        var error = Assert.Single(e.Errors);
        Assert.Equal(file, error.File);
        Assert.Equal("(yaml)", error.Field);
        Assert.StartsWith("invalid YAML: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Idx:", error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.Line);
        Assert.InRange(error.Line!.Value, 2, 4);
        Assert.Contains($"(line {error.Line}, column ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyFileAndNonMapRootAreReported()
    {
        var e = Invalid("# nothing here\n", out var file);
        Expect.Error(e, file, "(file)", "the file is empty");

        e = Invalid("- name: x\n", out file);
        Expect.Error(e, file, "(file)", "the file must hold a map of keys");
    }

    [Theory]
    [InlineData("files: [train.py, data/digits.csv]", "files: [train.py, missing.py]", "files[1]", "'missing.py' does not exist")]
    [InlineData("files: [train.py, data/digits.csv]", "files: [train.py, ../secret.py]", "files[1]", "'..' is not allowed")]
    [InlineData("files: [train.py, data/digits.csv]", "files: [train.py, /etc/passwd]", "files[1]", "not an absolute path")]
    [InlineData("files: [train.py, data/digits.csv]", "files: [train.py, data]", "files[1]", "is a folder")]
    [InlineData("files: [train.py, data/digits.csv]", "files: [train.py, ./train.py]", "files[1]", "'train.py' is listed twice")]
    [InlineData("files: [train.py, data/digits.csv]", "files: []", "files", "must not be empty")]
    [InlineData("editable: [train.py]", "editable: [program.md]", "editable[0]", "'program.md' is not in files")]
    [InlineData("description: program.md", "description: README.md", "description", "'README.md' does not exist")]
    [InlineData("command: [python3, train.py]", "command: python3 train.py", "command", "must be a list (e.g. [python3, train.py])")]
    [InlineData("command: [python3, train.py]", "command: []", "command", "must not be empty")]
    [InlineData("image: autoresearch/sklearn:latest", "image: Auto Research", "image", "Docker image reference")]
    [InlineData("name: val_error", "name: 1st-error", "metric.name", "is not valid")]
    [InlineData("time_limit: 1m30s", "time_limit: 0s", "time_limit", "must be greater than 0")]
    [InlineData("cpus: 1.5", "cpus: 0", "resources.cpus", "must be greater than 0")]
    [InlineData("gpus: 0", "gpus: -1", "resources.gpus", "must be 0 or more")]
    [InlineData("pids: 128", "pids: 12.5", "resources.pids", "must be a whole number")]
    [InlineData("tmpfs: 64m", "tmpfs: 64", "resources.tmpfs", "a unit is needed, e.g. 64m")]
    [InlineData("gpus: 0,", "gpu: 0,", "resources.gpu", "did you mean 'gpus'?")]
    [InlineData("tmpfs: 64m }", "tmpfs: 64m, disk: 512 }", "resources.disk", "a unit is needed, e.g. 512m")]
    [InlineData("tmpfs: 64m }", "tmpfs: 64m, disk: 0m }", "resources.disk", "must be greater than 0")]
    public void FieldErrorsNameTheirField(string find, string replace, string field, string message)
    {
        var e = Invalid(Specs.Benchmark.With(find, replace), out var file);

        Expect.Error(e, file, field, message);
    }

    [Theory]
    [InlineData("lr:         { type: float, min: 0.0001, max: 1.0, log: true, default: 0.05 }", "lr: { type: float, min: 0.0001, max: 1.0, default: 2 }", "parameters.lr.default", "2 is outside [0.0001, 1]")]
    [InlineData("lr:         { type: float, min: 0.0001, max: 1.0, log: true, default: 0.05 }", "lr: { type: float, min: 0.0001, max: 1.0, default: 0.00001 }", "parameters.lr.default", "1E-05 is outside [0.0001, 1]")]
    [InlineData("lr:         { type: float, min: 0.0001, max: 1.0, log: true, default: 0.05 }", "lr: { type: float, min: 0, max: 1.0, log: true, default: 0.05 }", "parameters.lr.min", "must be greater than 0 on a log scale")]
    [InlineData("lr:         { type: float, min: 0.0001, max: 1.0, log: true, default: 0.05 }", "lr: { type: float, min: 0.5, max: 0.5, default: 0.5 }", "parameters.lr.max", "must be greater than min")]
    [InlineData("lr:         { type: float, min: 0.0001, max: 1.0, log: true, default: 0.05 }", "lr: { type: float, min: 0.0001, max: 1.0, log: yes, default: 0.05 }", "parameters.lr.log", "must be true or false")]
    [InlineData("lr:         { type: float, min: 0.0001, max: 1.0, log: true, default: 0.05 }", "lr: { type: float, max: 1.0, default: 0.05 }", "parameters.lr.min", "is required")]
    [InlineData("lr:         { type: float, min: 0.0001, max: 1.0, log: true, default: 0.05 }", "lr: { type: double, min: 0.0001, max: 1.0, default: 0.05 }", "parameters.lr.type", "must be float, int or choice, not 'double'")]
    [InlineData("lr:         { type: float, min: 0.0001, max: 1.0, log: true, default: 0.05 }", "lr: { type: float, min: 0.0001, max: 1.0, default: 0.05, choices: [a, b] }", "parameters.lr.choices", "only a choice parameter has choices")]
    [InlineData("lr:         { type: float, min: 0.0001, max: 1.0, log: true, default: 0.05 }", "lr: 0.05", "parameters.lr", "must be a map")]
    [InlineData("lr:         { type: float, min: 0.0001, max: 1.0, log: true, default: 0.05 }", "learning-rate: { type: float, min: 0.0001, max: 1.0, default: 0.05 }", "parameters.learning-rate", "not a valid parameter name")]
    [InlineData("hidden:     { type: int, min: 16, max: 256, log: true, default: 32 }", "hidden: { type: int, min: 16.5, max: 256, default: 32 }", "parameters.hidden.min", "must be a whole number, not '16.5'")]
    [InlineData("hidden:     { type: int, min: 16, max: 256, log: true, default: 32 }", "hidden: { type: int, min: 16, max: 256, default: 32.5 }", "parameters.hidden.default", "must be a whole number")]
    [InlineData("hidden:     { type: int, min: 16, max: 256, log: true, default: 32 }", "hidden: { type: int, min: 16, max: 256, default: 512 }", "parameters.hidden.default", "512 is outside [16, 256]")]
    [InlineData("activation: { type: choice, choices: [relu, tanh], default: tanh }", "activation: { type: choice, choices: [relu, tanh], default: gelu }", "parameters.activation.default", "'gelu' is not one of the choices (relu, tanh)")]
    [InlineData("activation: { type: choice, choices: [relu, tanh], default: tanh }", "activation: { type: choice, choices: [relu], default: relu }", "parameters.activation.choices", "needs at least 2 distinct choices")]
    [InlineData("activation: { type: choice, choices: [relu, tanh], default: tanh }", "activation: { type: choice, choices: [relu, relu], default: relu }", "parameters.activation.choices[1]", "'relu' is listed twice")]
    [InlineData("activation: { type: choice, choices: [relu, tanh], default: tanh }", "activation: { type: choice, choices: [relu, tanh], min: 0, default: relu }", "parameters.activation.min", "is not allowed for a choice parameter")]
    [InlineData("activation: { type: choice, choices: [relu, tanh], default: tanh }", "activation: { type: choice, choices: [relu, tanh] }", "parameters.activation.default", "is required")]
    public void ParameterErrorsNameTheirField(string find, string replace, string field, string message)
    {
        var e = Invalid(Specs.Benchmark.With(find, replace), out var file);

        Expect.Error(e, file, field, message);
    }
}
