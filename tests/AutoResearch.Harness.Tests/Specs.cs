namespace AutoResearch.Harness.Tests;

/// <summary>Valid spec texts the tests start from (and break one field at a time).</summary>
internal static class Specs
{
    public const string Benchmark = """
        name: digits-mlp
        description: program.md
        image: autoresearch/sklearn:latest
        command: [python3, train.py]
        files: [train.py, data/digits.csv]
        editable: [train.py]
        metric: { name: val_error, direction: minimize }
        known_optimum: 0.397887
        time_limit: 1m30s
        resources: { cpus: 1.5, memory: 2g, gpus: 0, pids: 128, tmpfs: 64m }
        parameters:
          lr:         { type: float, min: 0.0001, max: 1.0, log: true, default: 0.05 }
          hidden:     { type: int, min: 16, max: 256, log: true, default: 32 }
          activation: { type: choice, choices: [relu, tanh], default: tanh }
        """;

    public const string Explorer = """
        name: explorer
        description: Casts a wide net early.
        proposer: gp
        model: null
        settings: { exploration: 0.3, kernel: matern }
        budgets: { tokens: 100, gpu_seconds: 0, cpu_seconds: 3600 }
        """;

    public const string Tpe = """
        name: tpe-searcher
        proposer: tpe
        """;

    public const string Campaign = """
        name: demo
        goal: Lower the validation error
        benchmark: ../benchmarks/digits-mlp
        max_experiments: 24
        duration: 8m
        target: 0.02
        slots: 2
        agents:
          - id: explorer-1
            role: explorer
            seed: 11
            settings: { exploration: 0.5, kernel: null, extra: yes }
            budgets: { cpu_seconds: 1200 }
          - id: tpe-1
            role: tpe-searcher
        """;

    /// <summary>Writes a valid benchmark folder (yaml + the files it lists) under <paramref name="folder"/>.</summary>
    public static string WriteBenchmark(TempTree tree, string folder = "benchmarks/digits-mlp", string? yaml = null)
    {
        tree.Write($"{folder}/train.py", "print('val_error=0.1')\n");
        tree.Write($"{folder}/data/digits.csv", "1,2\n");
        tree.Write($"{folder}/program.md", "# Task\n");
        return tree.Write($"{folder}/benchmark.yaml", yaml ?? Benchmark);
    }

    /// <summary>Writes the benchmark, roles <c>explorer</c> and <c>tpe</c> under <c>agents/</c>, and the campaign under <c>campaigns/</c>.</summary>
    public static string WriteCampaign(TempTree tree, string? campaign = null, string? explorer = null, string? benchmark = null)
    {
        WriteBenchmark(tree, yaml: benchmark);
        tree.Write("agents/explorer.yaml", explorer ?? Explorer);
        tree.Write("agents/tpe.yaml", Tpe);
        return tree.Write("campaigns/demo.yaml", campaign ?? Campaign);
    }

    /// <summary>Replaces exactly one occurrence of <paramref name="find"/> (fails the test if there is not exactly one).</summary>
    public static string With(this string text, string find, string replace)
    {
        var first = text.IndexOf(find, StringComparison.Ordinal);
        Assert.True(first >= 0, $"'{find}' is not in the spec text");
        Assert.True(text.IndexOf(find, first + 1, StringComparison.Ordinal) < 0, $"'{find}' is in the spec text more than once");
        return text[..first] + replace + text[(first + find.Length)..];
    }
}
