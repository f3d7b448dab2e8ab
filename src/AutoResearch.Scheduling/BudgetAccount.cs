using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Scheduling;

/// <summary>
/// A budget (0 = no limit per resource), what was used, and named reservations. Work is admitted only when its worst case fits
/// next to what is used and reserved (<see cref="TryReserve"/>); when it ends its actual use is charged and the rest of the
/// reservation comes back (<see cref="Settle"/>). So as long as actual use never exceeds the estimate, <see cref="Used"/> never
/// exceeds the budget that was in force when the work was admitted. Not thread-safe (it lives inside one grain).
/// </summary>
public sealed class BudgetAccount
{
    private readonly Dictionary<string, ResourceUse> _reservations = new(StringComparer.Ordinal);

    /// <param name="budget">The limits.</param>
    /// <param name="used">Use already charged (e.g. recomputed from the ledger after a restart).</param>
    public BudgetAccount(BudgetSpec budget, ResourceUse used)
    {
        ArgumentNullException.ThrowIfNull(budget);
        ArgumentNullException.ThrowIfNull(used);
        Budget = budget;
        Used = used;
    }

    public BudgetSpec Budget { get; private set; }

    public ResourceUse Used { get; private set; }

    /// <summary>Sum of open reservations.</summary>
    public ResourceUse Reserved { get; private set; } = ResourceUse.Zero;

    public int OpenReservations => _reservations.Count;

    /// <summary>Reserves <paramref name="estimate"/> under <paramref name="key"/> when used + reserved + estimate fits the budget.</summary>
    public bool TryReserve(string key, ResourceUse estimate, out string? reason)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(estimate);
        if (_reservations.ContainsKey(key)) throw new InvalidOperationException($"Budget reservation '{key}' is already open.");
        reason = Budget.WhyNotFits(Used + Reserved, estimate);
        if (reason is not null) return false;
        _reservations[key] = estimate;
        Reserved += estimate;
        return true;
    }

    /// <summary>Closes the reservation, charges <paramref name="actual"/>, and returns what came back (reserved − actual, at least zero).</summary>
    /// <remarks>An unknown key (e.g. work restored after a restart that could not be re-reserved) is simply charged.</remarks>
    public ResourceUse Settle(string key, ResourceUse actual)
    {
        ArgumentNullException.ThrowIfNull(actual);
        Used += actual;
        if (!_reservations.Remove(key, out var reserved)) return ResourceUse.Zero;
        Reserved -= reserved;
        return (reserved - actual).ClampToZero();
    }

    /// <summary>Drops a reservation without charging anything (the work never started).</summary>
    public void Cancel(string key)
    {
        if (_reservations.Remove(key, out var reserved)) Reserved -= reserved;
    }

    /// <summary>Charges use outside any reservation (e.g. the tokens of a model call).</summary>
    public void Charge(ResourceUse use)
    {
        ArgumentNullException.ThrowIfNull(use);
        Used += use;
    }

    /// <summary>Raises or lowers the limits. Lowering below what is used only blocks new reservations; nothing is un-charged.</summary>
    public void SetBudget(BudgetSpec budget)
    {
        ArgumentNullException.ThrowIfNull(budget);
        Budget = budget;
    }

    /// <summary>Why not even <paramref name="smallestRun"/> fits any more; null while it does.</summary>
    public string? WhySpent(ResourceUse smallestRun) => Budget.WhyNotFits(Used + Reserved, smallestRun);
}
