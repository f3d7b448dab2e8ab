using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Harness;
using AutoResearch.Host.Hosting;
using Microsoft.Extensions.Options;

namespace AutoResearch.Web.Campaigns;

/// <summary>
/// Turns a <see cref="CampaignForm"/> into a campaign file in <c>&lt;data&gt;/console/campaigns/</c> and loads it with the
/// same <see cref="CampaignLoader"/> as <c>autoresearch run</c>, so a console campaign is exactly a campaign file (it can be
/// read, versioned and re-run from the CLI). Problems are named per form field; nothing is written when there are any.
/// </summary>
public sealed partial class CampaignFormCompiler(
    CampaignCatalog catalog, IProposerFactory proposers, IOptions<AutoResearchOptions> options, TimeProvider clock)
{
    public const int MaxAgents = 32;

    public string CampaignsDirectory { get; } = Path.Combine(options.Value.FullDataDirectory, "console", "campaigns");

    /// <summary>
    /// Validates <paramref name="form"/> and, when it has no problem, writes and loads its campaign file.
    /// <paramref name="earlier"/>: problems found before (fields that could not be read as numbers, a goal the form requires);
    /// they are reported with every other problem, and the fields they name are not judged again.
    /// </summary>
    public CompiledCampaign Compile(CampaignForm form, FormProblems? earlier = null)
    {
        var problems = new FormProblems();
        var now = clock.GetUtcNow();

        var name = form.Name?.Trim() ?? "";
        if (name.Length == 0) problems.Add(nameof(form.Name), "give the campaign a name (lowercase letters, digits and '-', e.g. night-lr-sweep)");
        else if (!Slug().IsMatch(name)) problems.Add(nameof(form.Name), $"'{name}' must be lowercase letters, digits and '-' (at most 48, starting with a letter or digit)");
        var goal = form.Goal?.Trim() ?? "";
        if (goal.Length > 2000) problems.Add(nameof(form.Goal), $"is {goal.Length} characters long; the limit is 2000");

        var benchmarks = catalog.Benchmarks();
        var benchmark = benchmarks.FirstOrDefault(b => b.Name == form.Benchmark?.Trim());
        if (string.IsNullOrWhiteSpace(form.Benchmark)) problems.Add(nameof(form.Benchmark), "choose a benchmark");
        else if (benchmark is null) problems.Add(nameof(form.Benchmark), $"there is no benchmark '{form.Benchmark}'; the catalog has: {string.Join(", ", benchmarks.Select(b => b.Name))}");
        else if (benchmark.Problem is { } broken) problems.Add(nameof(form.Benchmark), $"benchmark '{benchmark.Name}' cannot be used: {broken}");

        if (form.Target is { } target && !double.IsFinite(target)) problems.Add(nameof(form.Target), "must be a finite number");

        var zone = TimeZoneInfo.Local;
        if (form.TimeZone is { Length: > 0 } zoneId && !TimeZoneInfo.TryFindSystemTimeZoneById(zoneId.Trim(), out zone!))
        {
            problems.Add(nameof(form.TimeZone), $"'{zoneId}' is not a time zone this server knows (use an IANA id such as Europe/Berlin)");
            zone = TimeZoneInfo.Local;
        }
        var deadline = DeadlineParser.Parse(form.Deadline, now, zone, out var deadlineProblem);
        if (deadlineProblem is not null) problems.Add(nameof(form.Deadline), deadlineProblem);

        if (form.MaxExperiments is null) problems.Add(nameof(form.MaxExperiments), "give the most experiments to run (all agents together)");
        else if (form.MaxExperiments is < 1 or > 100_000) problems.Add(nameof(form.MaxExperiments), $"must be from 1 to 100000, not {form.MaxExperiments}");
        if (form.Slots is < 0 or > 1024) problems.Add(nameof(form.Slots), $"must be from 0 (all the fleet has) to 1024, not {form.Slots}");
        CheckBudget(problems, "", form.Tokens, form.CpuHours, form.GpuHours);

        var reportTimes = new List<string>();
        foreach (var part in (form.ReportAt ?? "").Split([',', ' '], StringSplitOptions.RemoveEmptyEntries))
        {
            if (TimeOnly.TryParseExact(part, ["H:mm", "HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
                reportTimes.Add(t.ToString("HH:mm", CultureInfo.InvariantCulture));
            else
                problems.Add(nameof(form.ReportAt), $"'{part}' is not a time of day; write 24-hour HH:mm such as 07:00 (several: 07:00, 12:30)");
        }

        var rows = form.Agents.Select((row, index) => (row, index)).Where(r => !r.row.IsEmpty).ToList();
        if (rows.Count == 0) problems.Add("Agents", "add at least one agent (choose a role)");
        if (rows.Count > MaxAgents)
        {
            // Too many to be a campaign: said once, without checking each of them.
            problems.Add("Agents", $"at most {MaxAgents} agents, not {rows.Count}");
            rows.Clear();
        }
        var roles = catalog.Roles();
        var endpoints = catalog.ModelEndpoints();
        var ids = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var nextNumber = new Dictionary<string, int>(StringComparer.Ordinal);
        var agentYaml = new List<(int Index, string Yaml)>();
        foreach (var (row, index) in rows)
        {
            var at = $"Agents[{index}]";
            var role = roles.FirstOrDefault(r => r.Name == row.Role?.Trim());
            if (string.IsNullOrWhiteSpace(row.Role)) { problems.Add($"{at}.Role", "choose a role"); continue; }
            if (role is null) { problems.Add($"{at}.Role", $"there is no role '{row.Role}'; the roles are: {string.Join(", ", roles.Select(r => r.Name))}"); continue; }

            var id = string.IsNullOrWhiteSpace(row.Id) ? NextId(role.Name, ids, nextNumber) : row.Id.Trim();
            if (!Slug().IsMatch(id)) problems.Add($"{at}.Id", $"'{id}' must be lowercase letters, digits and '-'");
            else if (ids.TryGetValue(id, out var other)) problems.Add($"{at}.Id", $"'{id}' is also the id of agent {other + 1}; agents need distinct ids");
            ids[id] = index;

            var model = row.Model?.Trim() is { Length: > 0 } m ? m : null;
            var failover = (row.Failover ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
            if (!role.UsesModel && (model is not null || failover.Count > 0))
                problems.Add($"{at}.Model", $"role '{role.Name}' proposes with the built-in '{role.Proposer}' optimizer and takes no model; choose a model-driven role (e.g. researcher) to use one");
            if (role.UsesModel)
            {
                foreach (var endpoint in new[] { model ?? role.Model }.Concat(failover.Count > 0 ? failover : role.Failover).OfType<string>())
                {
                    if (!endpoints.Contains(endpoint, StringComparer.Ordinal))
                        problems.Add($"{at}.Model", endpoints.Count == 0
                            ? $"no model endpoints are configured, so '{endpoint}' cannot answer (set AutoResearch:Models:Endpoints:{endpoint}:…; see README)"
                            : $"'{endpoint}' is not a configured model endpoint; configured: {string.Join(", ", endpoints)}");
                }
            }
            CheckBudget(problems, $"{at}.", row.Tokens, row.CpuHours, row.GpuHours);

            var yaml = new StringBuilder();
            yaml.Append("  - id: ").AppendLine(Quote(id));
            yaml.Append("    role: ").AppendLine(Quote(role.Name));
            if (model is not null) yaml.Append("    model: ").AppendLine(Quote(model));
            if (failover.Count > 0) yaml.Append("    failover: [").Append(string.Join(", ", failover.Select(Quote))).AppendLine("]");
            AppendBudgets(yaml, "    budgets", row.Tokens, row.CpuHours, row.GpuHours);
            agentYaml.Add((index, yaml.ToString()));
        }

        if (earlier is { Any: true })
        {
            foreach (var (field, messages) in problems.ByField.Where(kv => !earlier.ByField.ContainsKey(kv.Key)).ToList())
                foreach (var message in messages) earlier.Add(field, message);
            return new CompiledCampaign(null, null, earlier);
        }
        if (problems.Any || benchmark is null || deadline is null)
            return new CompiledCampaign(null, null, problems);

        var file = new StringBuilder();
        file.AppendLine("# Written by the AutoResearch console; run it again with: autoresearch run <this file>");
        file.Append("name: ").AppendLine(Quote(name));
        if (goal.Length > 0) file.Append("goal: ").AppendLine(Quote(goal));
        file.Append("benchmark: ").AppendLine(Quote(benchmark.Folder));
        file.Append("agents_dir: ").AppendLine(Quote(catalog.AgentsDirectory!));
        file.Append("max_experiments: ").AppendLine(form.MaxExperiments!.Value.ToString(CultureInfo.InvariantCulture));
        file.Append("duration: ").AppendLine(Quote($"{Math.Floor((deadline.Value - now).TotalSeconds).ToString(CultureInfo.InvariantCulture)}s"));
        file.Append("# deadline: ").AppendLine(deadline.Value.ToString("u", CultureInfo.InvariantCulture));
        if (form.Target is { } targetValue) file.Append("target: ").AppendLine(targetValue.ToString("R", CultureInfo.InvariantCulture));
        if (form.Slots is > 0) file.Append("slots: ").AppendLine(form.Slots.Value.ToString(CultureInfo.InvariantCulture));
        AppendBudgets(file, "budget", form.Tokens, form.CpuHours, form.GpuHours);
        var approval = new List<string>();
        if (form.ApprovalGpusOver is { } gpusOver) approval.Add("gpus_over: " + gpusOver.ToString(CultureInfo.InvariantCulture));
        if (form.ApprovalGpuHoursOver is { } gpuHoursOver) approval.Add("gpu_hours_over: " + gpuHoursOver.ToString("R", CultureInfo.InvariantCulture));
        if (form.ApprovalCpuHoursOver is { } cpuHoursOver) approval.Add("cpu_hours_over: " + cpuHoursOver.ToString("R", CultureInfo.InvariantCulture));
        if (approval.Count > 0) file.Append("approval: { ").Append(string.Join(", ", approval)).AppendLine(" }");
        if (reportTimes.Count > 0)
            file.Append("reports:\n  at: [").Append(string.Join(", ", reportTimes.Distinct().Select(Quote))).Append("]\n  time_zone: ").AppendLine(Quote(zone.Id));
        file.AppendLine("agents:");
        foreach (var (_, yaml) in agentYaml) file.Append(yaml);

        Directory.CreateDirectory(CampaignsDirectory);
        var path = Path.Combine(CampaignsDirectory, $"{name}-{now.UtcDateTime.ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture)}.yaml");
        File.WriteAllText(path, file.ToString());
        try
        {
            var spec = CampaignLoader.Load(path);
            foreach (var agent in spec.Agents)
            {
                if (proposers.WhyNotUsable(agent) is { } why)
                    problems.Add(AgentField(agentYaml, spec.Agents.IndexOf(agent), "Role"), why);
            }
            if (!problems.Any) return new CompiledCampaign(spec, path, problems);
        }
        catch (SpecValidationException ex)
        {
            foreach (var error in ex.Errors)
                problems.Add(FieldOf(error, path, agentYaml), Path.GetFullPath(error.File) == path ? error.Message : $"{Path.GetFileName(error.File)}: {error.Field}: {error.Message}");
        }
        File.Delete(path);
        return new CompiledCampaign(null, null, problems);
    }

    private static void CheckBudget(FormProblems problems, string prefix, long? tokens, double? cpuHours, double? gpuHours)
    {
        if (tokens < 0) problems.Add($"{prefix}Tokens", "must be 0 (no limit) or more");
        if (cpuHours is { } c && (c < 0 || !double.IsFinite(c))) problems.Add($"{prefix}CpuHours", "must be 0 (no limit) or more");
        if (gpuHours is { } g && (g < 0 || !double.IsFinite(g))) problems.Add($"{prefix}GpuHours", "must be 0 (no limit) or more");
    }

    private static void AppendBudgets(StringBuilder yaml, string key, long? tokens, double? cpuHours, double? gpuHours)
    {
        var parts = new List<string>();
        if (tokens is > 0) parts.Add($"tokens: {tokens.Value.ToString(CultureInfo.InvariantCulture)}");
        if (cpuHours is > 0) parts.Add($"cpu_seconds: {(cpuHours.Value * 3600).ToString("R", CultureInfo.InvariantCulture)}");
        if (gpuHours is > 0) parts.Add($"gpu_seconds: {(gpuHours.Value * 3600).ToString("R", CultureInfo.InvariantCulture)}");
        if (parts.Count > 0) yaml.Append(key).Append(": { ").Append(string.Join(", ", parts)).AppendLine(" }");
    }

    /// <summary>The first free <c>&lt;role&gt;-&lt;n&gt;</c>, counting on from the last one given for the role (linear over a form).</summary>
    private static string NextId(string role, Dictionary<string, int> taken, Dictionary<string, int> next)
    {
        for (var n = next.GetValueOrDefault(role, 1); ; n++)
        {
            var id = $"{role}-{n}";
            if (taken.ContainsKey(id)) continue;
            next[role] = n + 1;
            return id;
        }
    }

    /// <summary>The form field a loader error points at (file-level errors of other files go to the form as a whole).</summary>
    private static string FieldOf(SpecError error, string path, List<(int Index, string Yaml)> agents)
    {
        if (Path.GetFullPath(error.File) != path) return "";
        var field = error.Field;
        var agent = AgentIndex().Match(field);
        if (agent.Success)
        {
            var n = int.Parse(agent.Groups[1].Value, CultureInfo.InvariantCulture);
            var key = agent.Groups[2].Value switch { "model" or "failover" => "Model", "budgets" => "Tokens", "id" => "Id", _ => "Role" };
            return AgentField(agents, n, key);
        }
        return field.Split('.')[0] switch
        {
            "name" => "Name",
            "goal" => "Goal",
            "benchmark" => "Benchmark",
            "max_experiments" => "MaxExperiments",
            "duration" => "Deadline",
            "target" => "Target",
            "slots" => "Slots",
            "budget" => "Tokens",
            "approval" => field switch
            {
                "approval.gpu_hours_over" => "ApprovalGpuHoursOver",
                "approval.cpu_hours_over" => "ApprovalCpuHoursOver",
                _ => "ApprovalGpusOver",
            },
            "reports" => "ReportAt",
            "agents" => "Agents",
            _ => "",
        };
    }

    private static string AgentField(List<(int Index, string Yaml)> agents, int n, string key) =>
        n >= 0 && n < agents.Count ? $"Agents[{agents[n].Index}].{key}" : "Agents";

    /// <summary>A YAML double-quoted scalar (JSON string escapes are valid YAML).</summary>
    private static string Quote(string value) => JsonSerializer.Serialize(value);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,47}$")]
    private static partial Regex Slug();

    [GeneratedRegex(@"^agents\[(\d+)\]\.?(\w*)")]
    private static partial Regex AgentIndex();
}
