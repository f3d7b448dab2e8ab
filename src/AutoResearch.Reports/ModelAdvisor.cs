using System.Text.Json;
using System.Text.RegularExpressions;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Models;
using AutoResearch.Abstractions.Ports;

namespace AutoResearch.Reports;

/// <summary>
/// Asks the campaign's model (the first agent's endpoint list that is usable) for next-night suggestions from the report itself,
/// within a token allowance; every call is metered in the ledger by the gateway under the agent <see cref="AgentId"/>.
/// Any failure leaves the rule-based suggestions and says why.
/// </summary>
public sealed partial class ModelAdvisor(IModelGateway gateway, ReportOptions options)
{
    /// <summary>The agent id model calls for report advice are recorded under.</summary>
    public const string AgentId = ReportAdvice.AgentId;

    public const string Purpose = ReportAdvice.Purpose;

    private const string Instructions = """
        You are the lead researcher of a lab. An autonomous research campaign ran overnight; its report follows.
        Write 3 to 6 concrete suggestions for the next night's campaign: which parameters or code changes to try, which ranges
        to widen or narrow, which agents to keep, change or drop, what budget or time to give it. Base every suggestion on numbers
        in the report and name them. Do not repeat the report back.
        Answer with one JSON object and nothing else: {"suggestions": ["...", "..."]}
        """;

    public async Task<NextNightAdvice> AdviseAsync(CampaignReportModel model, string reportMarkdown, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var endpoints = model.AdvisorEndpoints.Where(e => gateway.WhyNotUsable(e) is null).ToList();
        if (endpoints.Count == 0)
        {
            var why = model.AdvisorEndpoints.Select(gateway.WhyNotUsable).OfType<string>().FirstOrDefault() ?? "no endpoint";
            return model.Advice with { ModelProblem = $"no usable model endpoint ({why})" };
        }

        // The advice is charged to the campaign's token budget like an experiment's calls: never more than it has left.
        var allowance = ReportAdvice.Allowance(options.AdviceTokenAllowance, model.CampaignBudget.Tokens, model.CampaignUsed.Tokens);
        if (allowance <= 0)
            return model.Advice with { ModelProblem = $"the campaign's token budget is spent ({model.CampaignUsed.Tokens:N0} of {model.CampaignBudget.Tokens:N0} tokens used); no advice asked" };

        var report = reportMarkdown.Length <= options.AdvicePromptCharacters
            ? reportMarkdown
            : reportMarkdown[..options.AdvicePromptCharacters] + "\n… (rest of the report cut)";
        try
        {
            var reply = await gateway.CompleteAsync(new ModelRequest
            {
                CampaignId = model.CampaignId,
                AgentId = AgentId,
                Purpose = Purpose,
                Endpoints = endpoints,
                Messages = [new ModelMessage(ModelRole.System, Instructions), new ModelMessage(ModelRole.User, report)],
                MaxOutputTokens = options.AdviceMaxOutputTokens,
                Temperature = 0.2,
                TokenAllowance = allowance,
            }, cancellationToken).ConfigureAwait(false);
            var items = Parse(reply.Text);
            var answeredBy = $"{reply.Endpoint} ({reply.Model})";
            return items.Count == 0
                ? model.Advice with { ModelProblem = $"the answer of {answeredBy} held no suggestions: \"{ReportFormat.OneLine(reply.Text, 160)}\"", Tokens = reply.TotalTokens }
                : model.Advice with { FromModel = items, Model = answeredBy, Tokens = reply.TotalTokens };
        }
        catch (ModelBudgetExceededException ex)
        {
            return model.Advice with { ModelProblem = "the report is larger than the advice allowance: " + ex.Message };
        }
        catch (ModelsUnavailableException ex)
        {
            return model.Advice with { ModelProblem = "no model answered: " + ex.Message };
        }
    }

    /// <summary>The suggestions of an answer: the JSON object's <c>suggestions</c>, else its list items; thinking blocks and fences ignored.</summary>
    public static IReadOnlyList<string> Parse(string text)
    {
        text = ThinkBlock().Replace(text ?? "", "");
        var start = text.IndexOf('{', StringComparison.Ordinal);
        var end = text.LastIndexOf('}');
        if (start >= 0 && end > start)
        {
            try
            {
                using var doc = JsonDocument.Parse(text[start..(end + 1)]);
                if (doc.RootElement.ValueKind == JsonValueKind.Object
                    && doc.RootElement.TryGetProperty("suggestions", out var list) && list.ValueKind == JsonValueKind.Array)
                {
                    return list.EnumerateArray()
                        .Select(x => x.ValueKind == JsonValueKind.String ? x.GetString() : x.ToString())
                        .Where(x => !string.IsNullOrWhiteSpace(x)).Select(x => x!.Trim()).Take(10).ToList();
                }
            }
            catch (JsonException)
            {
            }
        }

        return text.Split('\n')
            .Select(l => ListItem().Match(l))
            .Where(m => m.Success)
            .Select(m => m.Groups[1].Value.Trim())
            .Where(x => x.Length > 0)
            .Take(10)
            .ToList();
    }

    [GeneratedRegex(@"<think>.*?</think>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex ThinkBlock();

    [GeneratedRegex(@"^\s*(?:[-*•]|\d+[.)])\s+(.+)$")]
    private static partial Regex ListItem();
}
