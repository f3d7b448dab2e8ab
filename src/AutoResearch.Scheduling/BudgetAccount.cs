using System.Globalization;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Scheduling;

/// <summary>
/// The budget of one agent or one campaign: the limits (<see cref="BudgetSpec"/>, 0 = no limit per resource), what was used,
/// and named reservations. Work is admitted only when its worst case fits beside what is used and reserved
/// (<see cref="TryReserve"/>); when it ends its actual use is charged and the rest of the reservation comes back
/// (<see cref="Settle"/>). So while actual use never exceeds the estimate, <see cref="Used"/> never exceeds the budget that was
/// in force when the latest reservation was admitted (plus what was <see cref="Charge"/>d outside reservations since).
/// Lowering the budget below what is used only blocks new reservations; nothing is ever un-charged.
/// Not thread-safe (it lives inside one grain).
/// </summary>
public sealed class BudgetAccount
{
    private readonly Dictionary<string, ResourceUse> _reservations = new(StringComparer.Ordinal);

    /// <summary>A fresh account with nothing used.</summary>
    public BudgetAccount(BudgetSpec budget) : this(budget, ResourceUse.Zero)
    {
    }

    /// <summary>An account restored after a restart: <paramref name="used"/> is recomputed by the caller (e.g. from the ledger); no reservation is open.</summary>
    /// <param name="budget">The limits.</param>
    /// <param name="used">Use already charged.</param>
    public BudgetAccount(BudgetSpec budget, ResourceUse used)
    {
        ArgumentNullException.ThrowIfNull(budget);
        ArgumentNullException.ThrowIfNull(used);
        Budget = budget;
        Used = used.ClampToZero();
    }

    /// <summary>The limits in force now.</summary>
    public BudgetSpec Budget { get; private set; }

    /// <summary>What was charged: settled work and direct charges.</summary>
    public ResourceUse Used { get; private set; }

    /// <summary>Sum of the open reservations.</summary>
    public ResourceUse Reserved { get; private set; } = ResourceUse.Zero;

    /// <summary>Open reservations by key.</summary>
    public IReadOnlyDictionary<string, ResourceUse> Reservations => _reservations;

    public int OpenReservations => _reservations.Count;

    /// <summary>Budget − used − reserved per resource, never below zero; null for a resource without a limit.</summary>
    public BudgetRemaining Remaining => new(
        Budget.Tokens > 0 ? Math.Max(0, Budget.Tokens - Used.Tokens - Reserved.Tokens) : null,
        Budget.GpuSeconds > 0 ? Math.Max(0, Budget.GpuSeconds - Used.GpuSeconds - Reserved.GpuSeconds) : null,
        Budget.CpuSeconds > 0 ? Math.Max(0, Budget.CpuSeconds - Used.CpuSeconds - Reserved.CpuSeconds) : null);

    /// <summary>
    /// Reserves <paramref name="estimate"/> (the worst case of the work) under <paramref name="key"/> when used + reserved + estimate
    /// fits the budget; otherwise returns false with the reason, e.g. <c>CPU-seconds: 10 used + 60 reserved + 31 needed &gt; 100 budget</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">A reservation with this key is already open.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The estimate has a negative amount.</exception>
    public bool TryReserve(string key, ResourceUse estimate, out string? reason)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(estimate);
        if (estimate.Tokens < 0 || estimate.GpuSeconds < 0 || estimate.CpuSeconds < 0 || double.IsNaN(estimate.GpuSeconds) || double.IsNaN(estimate.CpuSeconds))
            throw new ArgumentOutOfRangeException(nameof(estimate), estimate, "A budget estimate cannot be negative.");
        if (_reservations.ContainsKey(key)) throw new InvalidOperationException($"Budget reservation '{key}' is already open.");
        reason = WhyNotFits(Budget, Used, Reserved, estimate);
        if (reason is not null) return false;
        _reservations[key] = estimate;
        Reserved += estimate;
        return true;
    }

    /// <summary>Closes the reservation, charges <paramref name="actual"/>, and returns the refund: reserved − actual, at least zero per resource.</summary>
    /// <remarks>
    /// Negative amounts in <paramref name="actual"/> count as zero. An unknown key (e.g. work restored after a restart whose
    /// reservation could not be re-made) is simply charged and refunds nothing.
    /// </remarks>
    public ResourceUse Settle(string key, ResourceUse actual)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(actual);
        actual = actual.ClampToZero();
        Used += actual;
        if (!_reservations.Remove(key, out var reserved)) return ResourceUse.Zero;
        Reserved = Without(reserved);
        return (reserved - actual).ClampToZero();
    }

    /// <summary>Drops a reservation without charging anything (the work never started). Unknown keys are ignored.</summary>
    public void Cancel(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_reservations.Remove(key, out var reserved)) Reserved = Without(reserved);
    }

    /// <summary>
    /// <see cref="Reserved"/> less a closed reservation; exactly zero once none is open, so that rounding in the sums of
    /// fractional CPU/GPU-seconds never leaves a finished agent showing a sliver reserved.
    /// </summary>
    private ResourceUse Without(ResourceUse reserved) => _reservations.Count == 0 ? ResourceUse.Zero : (Reserved - reserved).ClampToZero();

    /// <summary>Charges use outside any reservation (e.g. the tokens of a model call). Negative amounts count as zero.</summary>
    /// <remarks>A charge is never refused: the use already happened. It may take <see cref="Used"/> past the budget.</remarks>
    public void Charge(ResourceUse use)
    {
        ArgumentNullException.ThrowIfNull(use);
        Used += use.ClampToZero();
    }

    /// <summary>Raises or lowers the limits while work runs. Lowering below what is used only blocks new reservations; nothing is un-charged and open reservations stay.</summary>
    public void SetBudget(BudgetSpec budget)
    {
        ArgumentNullException.ThrowIfNull(budget);
        Budget = budget;
    }

    /// <summary>
    /// Why not even <paramref name="smallestUsefulRun"/> fits beside what is used any more; null while it does. Open reservations
    /// are left out (what they do not use comes back), so a non-null answer means the budget is spent for good unless raised.
    /// </summary>
    public string? WhySpent(ResourceUse smallestUsefulRun)
    {
        ArgumentNullException.ThrowIfNull(smallestUsefulRun);
        return WhyNotFits(Budget, Used, ResourceUse.Zero, smallestUsefulRun);
    }

    /// <summary>
    /// <see cref="BudgetSpec.WhyNotFits"/> with the reserved amount named apart: null when used + reserved + more fits
    /// <paramref name="budget"/>, otherwise e.g. <c>GPU-seconds: 40 used + 10 reserved + 20 needed &gt; 60 budget</c>.
    /// </summary>
    public static string? WhyNotFits(BudgetSpec budget, ResourceUse used, ResourceUse reserved, ResourceUse more)
    {
        ArgumentNullException.ThrowIfNull(budget);
        if (budget.Tokens > 0 && used.Tokens + reserved.Tokens + more.Tokens > budget.Tokens)
            return Describe("tokens", used.Tokens, reserved.Tokens, more.Tokens, budget.Tokens);
        if (budget.GpuSeconds > 0 && used.GpuSeconds + reserved.GpuSeconds + more.GpuSeconds > budget.GpuSeconds + 1e-9)
            return Describe("GPU-seconds", used.GpuSeconds, reserved.GpuSeconds, more.GpuSeconds, budget.GpuSeconds);
        if (budget.CpuSeconds > 0 && used.CpuSeconds + reserved.CpuSeconds + more.CpuSeconds > budget.CpuSeconds + 1e-9)
            return Describe("CPU-seconds", used.CpuSeconds, reserved.CpuSeconds, more.CpuSeconds, budget.CpuSeconds);
        return null;
    }

    private static string Describe(string resource, double used, double reserved, double more, double budget) =>
        reserved > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{resource}: {used:F0} used + {reserved:F0} reserved + {more:F0} needed > {budget:F0} budget")
            : string.Create(CultureInfo.InvariantCulture, $"{resource}: {used:F0} used + {more:F0} needed > {budget:F0} budget");
}
