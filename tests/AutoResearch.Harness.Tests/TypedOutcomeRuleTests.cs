using System.Text.RegularExpressions;

namespace AutoResearch.Harness.Tests;

/// <summary>
/// The rule "no code compares outcome or activity text to decide anything": control outcomes, agent stop reasons,
/// proposal origins and model-call outcomes and purposes are typed (ControlOutcomeKind, AgentStopReason, ProposalOrigin,
/// ModelCallOutcome, ModelCallPurpose); their texts are for people (and, for model calls, the ledger's stored codes). This scans
/// every C# file under src/ for a comparison against one of the texts those used to be recognised by.
/// </summary>
public sealed partial class TypedOutcomeRuleTests
{
    /// <summary>Texts outcomes, activities and proposer names were once parsed by (lower case; a literal starting with one is flagged).</summary>
    private static readonly string[] OutcomeTexts =
        ["refused", "nothing to do", "nothing", "done:", "done: ", "(fallback)", " (fallback)", "(back-off)", " (back-off)", "(rejections used up)", "failed:", "failed", "applied", "queued", "stopped", "budget spent"];

    /// <summary>The ledger's model-call codes (ModelCallOutcome, ModelCallPurpose are typed; a literal equal to one is flagged).</summary>
    private static readonly string[] ModelCallCodeTexts = ["ok", "retry", "propose", "repair", "reflect", "report-advice"];

    // x.StartsWith("…"), x.EndsWith("…"), x.Contains("…"), x.IndexOf("…"), x.Equals("…"), string.Equals(x, "…") …
    [GeneratedRegex("""\b(?:StartsWith|EndsWith|Contains|IndexOf|LastIndexOf|Equals|CompareOrdinal|Compare)\s*\(\s*(?:[^"(),]+,\s*)?"(?<text>[^"]*)""")]
    private static partial Regex MethodComparison();

    // x == "…", "…" != x, x is "…", case "…":, "…" => (a switch arm)
    [GeneratedRegex("""(?:==|!=|\bis\s+(?:not\s+)?|\bcase\s+)\s*"(?<text>[^"]*)"|"(?<text>[^"]*)"\s*(?:==|!=|=>)""")]
    private static partial Regex OperatorComparison();

    // The fallback suffix compared through its constant: x.EndsWith(FallbackProposals.Suffix) / x.Contains(Suffix)
    [GeneratedRegex("""\b(?:StartsWith|EndsWith|Contains|IndexOf)\s*\(\s*(?:FallbackProposals\.)?(?:Suffix|BackOffSuffix|ExhaustedSuffix)\b""")]
    private static partial Regex SuffixComparison();

    [Fact]
    public void No_source_file_compares_outcome_activity_or_proposer_text()
    {
        var src = Path.Combine(RepoRoot(), "src");
        var files = SourceFiles(src);

        // Not vacuous: the scan sees the whole tree, including the files that used to parse outcomes.
        Assert.True(files.Count > 200, $"only {files.Count} C# files found under {src}");
        string[] mustScan =
        [
            "AutoResearch.Grains/CampaignGrain.cs", "AutoResearch.Grains/AgentGrain.cs", "AutoResearch.Host/Operations/ControlRules.cs",
            "AutoResearch.Host/Hosting/LedgerCampaignStatus.cs", "AutoResearch.Reports/EffectiveBudgets.cs", "AutoResearch.Web/Api/CampaignsApi.cs",
            "AutoResearch.Web/Campaigns/ConsoleCampaigns.cs", "AutoResearch.Cli/Commands/ControlCommand.cs", "AutoResearch.Abstractions/Experiments/FallbackProposals.cs",
        ];
        var relative = files.Select(f => Path.GetRelativePath(src, f).Replace('\\', '/')).ToHashSet(StringComparer.Ordinal);
        Assert.All(mustScan, f => Assert.Contains(f, relative));

        var violations = files.SelectMany(f => Violations(File.ReadAllLines(f)).Select(v => $"src/{Path.GetRelativePath(src, f).Replace('\\', '/')}:{v.Line}: {v.Code}")).ToList();
        Assert.True(violations.Count == 0,
            "Code compares outcome/activity/proposer text instead of its typed value (ControlOutcomeKind, AgentStopReason, ProposalOrigin):\n" + string.Join("\n", violations));
    }

    [Theory]
    [InlineData("""if (outcome.StartsWith("refused", StringComparison.Ordinal) || outcome.StartsWith("nothing", StringComparison.Ordinal)) continue;""")]
    [InlineData("""    public static bool IsRefused(ControlRequest applied) => applied.Outcome?.StartsWith("refused", StringComparison.Ordinal) == true;""")]
    [InlineData("""            .Select(a => a.Activity.StartsWith("done: ", StringComparison.Ordinal) ? a.Activity[6..] : a.Activity)""")]
    [InlineData("""Activity = r.StartsWith("failed", StringComparison.Ordinal) ? r : $"done: {r}",""")]
    [InlineData("""    public static bool IsFallback(string proposerName) => proposerName.EndsWith(Suffix, StringComparison.Ordinal);""")]
    [InlineData("""var fallback = name.EndsWith(" (fallback)");""")]
    [InlineData("""    public static bool IsBackOff(string proposerName) => proposerName.EndsWith(BackOffSuffix, StringComparison.Ordinal);""")]
    [InlineData("""                "refused" => TypedResults.Conflict(Problem(StatusCodes.Status409Conflict, "Refused", outcome.Value.Outcome)),""")]
    [InlineData("""if (result.Status == "queued") return Accepted();""")]
    [InlineData("""if (string.Equals(request.Outcome, "stopped", StringComparison.Ordinal)) return;""")]
    [InlineData("""if (agent.Activity.Contains("budget spent")) count++;""")]
    [InlineData("""if (text is "nothing to do: the campaign is running") return;""")]
    [InlineData("""        if (mine.LastOrDefault(c => c.Outcome == "ok") is not { } answered) return (null, null);""")]
    [InlineData("""        var mine = calls.Where(c => c.AgentId == agent.Id && c.Purpose is "propose" or "repair").ToList();""")]
    [InlineData("""                Failures = g.Count(c => !string.Equals(c.Outcome, "ok", StringComparison.OrdinalIgnoreCase)),""")]
    public void The_rule_catches_each_way_outcome_text_was_parsed(string planted)
    {
        var found = Violations(["// a planted example", planted]);
        Assert.Equal(2, Assert.Single(found).Line);
    }

    [Theory]
    [InlineData("""return ControlOutcome.Refused("the campaign was never started");""")]
    [InlineData("""var status = reply.State switch { ControlReplyState.Queued => "queued", ControlReplyState.Refused => "refused", _ => "applied" };""")]
    [InlineData("""if (request.OutcomeKind == ControlOutcomeKind.Refused) return 1;""")]
    [InlineData("""            "pause" => ControlAction.Pause,""")]
    [InlineData("""if (name.EndsWith(".css", StringComparison.Ordinal)) type = "text/css";""")]
    [InlineData("""// old code compared outcome.StartsWith("refused") here""")]
    public void Typed_decisions_and_unrelated_comparisons_pass(string line)
    {
        Assert.Empty(Violations([line]));
    }

    private static List<(int Line, string Code)> Violations(IReadOnlyList<string> lines)
    {
        var found = new List<(int, string)>();
        for (var i = 0; i < lines.Count; i++)
        {
            var code = lines[i].Trim();
            if (code.StartsWith("//", StringComparison.Ordinal) || code.StartsWith("///", StringComparison.Ordinal) || code.StartsWith('*')) continue;
            var texts = MethodComparison().Matches(code).Concat(OperatorComparison().Matches(code))
                .SelectMany(m => m.Groups["text"].Captures).Select(c => c.Value.ToLowerInvariant());
            if (texts.Any(IsOutcomeText) || SuffixComparison().IsMatch(code))
                found.Add((i + 1, code));
        }
        return found;
    }

    private static bool IsOutcomeText(string literal) =>
        literal.Length > 0 && (OutcomeTexts.Any(t => literal.StartsWith(t, StringComparison.Ordinal) || literal.EndsWith(t, StringComparison.Ordinal))
                               || ModelCallCodeTexts.Contains(literal, StringComparer.Ordinal));

    private static List<string> SourceFiles(string src) =>
        Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Order(StringComparer.Ordinal)
            .ToList();

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
