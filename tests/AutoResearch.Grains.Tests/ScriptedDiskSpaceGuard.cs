using AutoResearch.Abstractions.Ports;

namespace AutoResearch.Grains.Tests;

/// <summary>A disk guard double: Ok by default; once armed, Ok for a number of checks and then a fixed Low until disarmed.</summary>
public sealed class ScriptedDiskSpaceGuard : IDiskSpaceGuard
{
    private readonly object _gate = new();
    private DiskSpaceCheck.Low? _low;
    private int _okLeft;

    public int Checks { get; private set; }

    /// <summary>The next <paramref name="okChecks"/> checks say Ok, every one after that <paramref name="low"/>.</summary>
    public void LowAfter(int okChecks, DiskSpaceCheck.Low low)
    {
        lock (_gate) { _okLeft = okChecks; _low = low; Checks = 0; }
    }

    public void Disarm()
    {
        lock (_gate) _low = null;
    }

    public Task<DiskSpaceCheck> CheckAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            Checks++;
            if (_low is null) return Task.FromResult(DiskSpaceCheck.Fine);
            if (_okLeft > 0) { _okLeft--; return Task.FromResult(DiskSpaceCheck.Fine); }
            return Task.FromResult<DiskSpaceCheck>(_low);
        }
    }
}
