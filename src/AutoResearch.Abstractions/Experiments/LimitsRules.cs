using System.Globalization;

namespace AutoResearch.Abstractions.Experiments;

/// <summary>
/// When a change of a running campaign's limits (<see cref="LimitsChange"/>) may be made: one rule for the operation that
/// queues it and the campaign that applies it, each problem naming its field.
/// </summary>
public static class LimitsRules
{
    /// <summary>Most experiments a change may set (as the campaign form allows).</summary>
    public const int MaxExperimentsLimit = 100_000;

    /// <param name="granted">Experiments of the search already granted (or recorded): the most experiments cannot go below it.</param>
    /// <param name="fleetSlots">The fleet's slots when known (the campaign's host knows them; a process without the fleet does not).</param>
    public static IReadOnlyList<LimitProblem> Problems(LimitsChange? change, DateTimeOffset now, int granted, int? fleetSlots)
    {
        var problems = new List<LimitProblem>();
        if (change is null || change.IsEmpty)
        {
            problems.Add(new LimitProblem(LimitField.Any, "give at least one of deadline, max_experiments, slots"));
            return problems;
        }
        if (change.Deadline is { } deadline && deadline <= now)
            problems.Add(new LimitProblem(LimitField.Deadline,
                $"deadline {deadline.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)} is in the past (now {now.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)})"));
        if (change.MaxExperiments is { } max)
        {
            if (max < 1 || max > MaxExperimentsLimit)
                problems.Add(new LimitProblem(LimitField.MaxExperiments, $"max_experiments must be from 1 to {MaxExperimentsLimit}, not {max}"));
            else if (max < granted)
                problems.Add(new LimitProblem(LimitField.MaxExperiments, $"max_experiments {max} is below the {granted} experiments already run or granted"));
        }
        if (change.Slots is { } slots)
        {
            if (slots < 1)
                problems.Add(new LimitProblem(LimitField.Slots, $"slots must be at least 1, not {slots}"));
            else if (fleetSlots is { } fleet && slots > fleet)
                problems.Add(new LimitProblem(LimitField.Slots, $"slots {slots} is more than the fleet's {fleet}"));
        }
        return problems;
    }
}

/// <summary>The limit a <see cref="LimitProblem"/> is about.</summary>
public enum LimitField
{
    /// <summary>No limit given at all.</summary>
    Any,
    Deadline,
    MaxExperiments,
    Slots,
}

public sealed record LimitProblem(LimitField Field, string Message);
