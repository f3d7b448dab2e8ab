namespace AutoResearch.Edits.Tests;

/// <summary>Shared helpers: a small benchmark's files and a shortcut to parse and apply.</summary>
internal static class Fixture
{
    public const string Kernel = """
        #include <stdio.h>

        int sum(const int *x, int n) {
            int s = 0;
            for (int i = 0; i < n; i++) {
                s += x[i];
            }
            return s;
        }

        """;

    public const string Harness = "int main(void) { return 0; }\n";

    public static Dictionary<string, string> Files(params (string Path, string Content)[] files) =>
        files.ToDictionary(f => f.Path, f => f.Content, StringComparer.Ordinal);

    public static Dictionary<string, string> Benchmark() => Files(("kernel.c", Kernel), ("harness.c", Harness), ("util.h", "#pragma once\n"));

    public static string[] Editable { get; } = ["kernel.c"];

    public static EditOutcome Apply(string modelText, IReadOnlyDictionary<string, string>? originals = null, IReadOnlyCollection<string>? editable = null, EditLimits? limits = null) =>
        EditApplier.Apply(originals ?? Benchmark(), editable ?? Editable, EditParser.Parse(modelText), limits);

    public static string Single(EditOutcome outcome) => Assert.Single(outcome.Problems);
}
