using AutoResearch.Host.Operations;
using System.Globalization;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Ports;
using Spectre.Console;

namespace AutoResearch.Cli.Display;

/// <summary>
/// Filters journal entries (by kind and author) and prints them to stdout as text or JSON Lines; in text, an entry's
/// experiment is named by its sequence number (<c>#12</c>) once the ledger has it.
/// </summary>
public sealed class JournalPrinter(ILedger ledger, bool json, JournalFilter filter)
{
    private readonly IAnsiConsole? _console = json ? null : JournalView.CreateConsole();
    private readonly Dictionary<string, string> _experiments = new(StringComparer.Ordinal);

    public async Task WriteAsync(JournalEntry entry, CancellationToken cancellationToken)
    {
        if (!filter.Matches(entry)) return;
        if (_console is null)
        {
            await Console.Out.WriteLineAsync(JournalView.JsonLine(entry));
            return;
        }
        var experiment = entry.ExperimentId is { } experimentId ? await NameAsync(experimentId, cancellationToken) : null;
        JournalView.Write(_console, entry, experiment);
    }

    private async Task<string> NameAsync(string experimentId, CancellationToken cancellationToken)
    {
        if (_experiments.TryGetValue(experimentId, out var name)) return name;
        var experiment = await ledger.GetExperimentAsync(experimentId, cancellationToken);
        if (experiment is null) return experimentId; // not recorded (yet): looked up again next time
        return _experiments[experimentId] = "#" + experiment.Sequence.ToString(CultureInfo.InvariantCulture);
    }
}
