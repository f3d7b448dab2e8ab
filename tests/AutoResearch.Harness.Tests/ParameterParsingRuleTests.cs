using System.Text.RegularExpressions;

namespace AutoResearch.Harness.Tests;

/// <summary>
/// The rule "parameter values are parsed once, at the edge": a value arrives as text only from the model's reply, a person's
/// "try this configuration", the ledger's stored JSON and the benchmark/campaign files, and is typed there
/// (ParameterValue / ParameterSet in AutoResearch.Abstractions/Parameters, the spec loaders in AutoResearch.Harness). Everything
/// inside uses the typed values. This scans every C# file under src/ for a number parse applied to a parameter value outside
/// those edges.
/// </summary>
public sealed partial class ParameterParsingRuleTests
{
    /// <summary>The parsing edges: the typed values themselves, and the loaders that read benchmark and campaign files.</summary>
    private static readonly string[] Edges = ["AutoResearch.Abstractions/Parameters/", "AutoResearch.Harness/"];

    // double.Parse(x.Parameters[...]), long.TryParse(value.Text, …), double.TryParse(spec.Default, …),
    // decimal.Parse(e.Parameters.GetValueOrDefault(name)), int.Parse(parameterText) …
    [GeneratedRegex("""\b(?:double|float|decimal|long|int|Int32|Int64|Double|Single|Decimal)\.(?:Try)?Parse\(\s*(?<arg>[^,;]*?(?:[Pp]aram|\.Default\b|\.Text\b|GetValueOrDefault)[^,;]*)[,)]""")]
    private static partial Regex ParameterParse();

    [Fact]
    public void No_source_file_parses_parameter_values_outside_the_edges()
    {
        var src = Path.Combine(RepoRoot(), "src");
        var files = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Select(f => (Path: f, Relative: Path.GetRelativePath(src, f).Replace('\\', '/')))
            .ToList();

        // Not vacuous: the scan sees the whole tree, including the files that re-parsed parameter text before the typed values.
        Assert.True(files.Count > 200, $"only {files.Count} C# files found under {src}");
        string[] mustScan =
        [
            "AutoResearch.Proposers/Encoding/EncodedParameter.cs", "AutoResearch.Proposers/AblationProposer.cs", "AutoResearch.Evaluation/ParameterImportance.cs",
            "AutoResearch.Sandboxes/ParameterEncoding.cs", "AutoResearch.Reports/SuggestionRules.cs", "AutoResearch.Reports/CampaignReportBuilder.cs",
            "AutoResearch.Reports/AgentNarratives.cs", "AutoResearch.Grains/ReflectionWriter.cs", "AutoResearch.Models/Research/LlmProposer.cs",
            "AutoResearch.Web/Pages/AnalysisCharts.cs", "AutoResearch.Abstractions/Experiments/ProposalValidator.cs",
        ];
        Assert.All(mustScan, f => Assert.Contains(f, files.Select(x => x.Relative)));

        var violations = files.Where(f => !Edges.Any(e => f.Relative.StartsWith(e, StringComparison.Ordinal)))
            .SelectMany(f => File.ReadAllLines(f.Path).Select((line, i) => (Line: i + 1, Code: line.Trim()))
                .Where(l => ParameterParse().IsMatch(l.Code))
                .Select(l => $"src/{f.Relative}:{l.Line}: {l.Code}"))
            .ToList();
        Assert.True(violations.Count == 0,
            "Parameter values parsed from text outside the parsing edge (use ParameterValue.AsNumber / AsInteger / Text, parsed once by ParameterSet.Parse or FromStored):\n"
            + string.Join("\n", violations));
    }

    [Theory]
    [InlineData("""if (!double.TryParse(e.Parameters.GetValueOrDefault(p.Name), NumberStyles.Float, CultureInfo.InvariantCulture, out var v)) continue;""")]
    [InlineData("""var x = double.Parse(best.Parameters["lr"], CultureInfo.InvariantCulture);""")]
    [InlineData("""if (TryParse(text, out double v) || double.TryParse(Spec.Default, out v))""")]
    [InlineData("""ParameterType.Int when long.TryParse(value.Text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) => JsonValue.Create(i),""")]
    [InlineData("""var n = int.Parse(parameterText);""")]
    public void The_scan_flags_a_parse_of_a_parameter_value(string code) => Assert.Matches(ParameterParse(), code);

    [Theory]
    [InlineData("""if (!int.TryParse(value.TrimStart('#'), NumberStyles.None, CultureInfo.InvariantCulture, out var n))""")]
    [InlineData("""double r = double.Parse(v.ToString("G10", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);""")]
    [InlineData("""var x = value.IsNumber ? value.AsNumber : double.NaN;""")]
    public void The_scan_leaves_other_parsing_alone(string code) => Assert.DoesNotMatch(ParameterParse(), code);

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AutoResearch.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("AutoResearch.sln not found above " + AppContext.BaseDirectory);
    }
}
